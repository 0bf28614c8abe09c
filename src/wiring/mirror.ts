import type { Logger } from 'pino';
import type { Config } from '../config';
import type { EventAnnouncer } from '../events/event-feed';
import type { EventLog } from '../events/event-log';
import type { RegistryBrowser } from '../federation/browser';
import type { IntegratedPush } from '../integrated-registry/integrated-push';
import { MirrorService } from '../mirror/mirror-service';
import type { Db } from '../store/database';
import { MirrorJobStore } from '../store/mirror-job-store';
import { startPart, type Stoppable } from './teardown';

export interface MirrorDeps {
  db: Db;
  browser: RegistryBrowser;
  integratedPush: IntegratedPush;
  eventLog: EventLog;
  feed: EventAnnouncer;
}

export interface MirrorPart extends Stoppable {
  mirror: MirrorService;
  mirrorJobs: MirrorJobStore;
}

/** Bounds on the work mirror jobs make. */
const MAX_RUNNING_JOBS = 3;
const BLOBS_PER_JOB = 4;
const MAX_UNFINISHED_PER_NAMESPACE = 10;

/**
 * Mirror jobs: those a stop or crash left unfinished are marked FAILED first, then new ones run.
 * Stopping aborts the running ones (the next start marks them) and drops the queued ones.
 */
export function startMirror(config: Config, deps: MirrorDeps, log: Logger): Promise<MirrorPart> {
  return startPart(log, async (teardown) => {
    const mirrorJobs = new MirrorJobStore(deps.db);
    const mirror = new MirrorService(
      mirrorJobs,
      deps.browser,
      deps.integratedPush,
      deps.eventLog,
      deps.feed,
      {
        defaultPlatform: config.imports.defaultPlatform,
        maxRunningJobs: MAX_RUNNING_JOBS,
        blobsPerJob: BLOBS_PER_JOB,
        maxUnfinishedPerNamespace: MAX_UNFINISHED_PER_NAMESPACE,
      },
      log,
    );
    await mirror.recover();
    teardown.add('mirror jobs', () => mirror.stop());
    return { mirror, mirrorJobs };
  });
}
