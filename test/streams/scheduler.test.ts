import pino from 'pino';
import { ImportRate } from '../../src/streams/import-rate';
import { ImportScheduler } from '../../src/streams/scheduler';
import { ImportImageFullDocument } from '../generated/graphql';
import { ManualClock } from '../helpers/clock';
import { registriesConfigFile } from '../helpers/config-file';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { eventually } from '../helpers/events';
import { startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

/** A scheduler over the test server's store and importer, ticking every minute. */
function schedulerOn(server: TestServer, count: (status: string) => void, clock?: ManualClock) {
  const { db, importer } = server.app.services;
  return new ImportScheduler(
    db,
    importer,
    new ImportRate(60),
    {
      // Longer than the tick's leap ahead: a tag one instance has imported is not due again.
      schedule: { intervalMs: 86_400_000, jitter: 0, maxBackoffMs: 86_400_000 },
      perRegistryConcurrency: 4,
      tickMs: 60_000,
    },
    pino({ level: 'silent' }),
    count,
    clock,
  );
}

describe('the import scheduler with several instances on one store', () => {
  let registry: DockerRegistry;
  let server: TestServer;

  beforeAll(async () => {
    registry = await startDockerRegistry();
    server = await startTestServer({
      configFile: registriesConfigFile([
        { name: 'upstream', kind: 'DISTRIBUTION', url: registry.url },
      ]),
      env: { REGQL_IMPORT_INTERVAL_SECONDS: '3600', REGQL_IMPORT_JITTER: '0' },
    });
  });
  afterAll(async () => {
    await server?.close();
    await registry?.stop();
  });

  it('imports a due tag once, in whichever instance claims it first', async () => {
    await pushSyntheticImage(registry.url, 'team/app', 'v1');
    const imported = await server.gql(ImportImageFullDocument, {
      input: {
        namespace: 'team-a',
        stream: 'app',
        from: `${registry.host}/team/app:v1`,
        scheduled: true,
        confirm: true,
      },
    });
    expect(imported.data!.importImage.images[0].status).toBe('SUCCESS');

    const runs: string[] = [];
    const schedulers = ['a', 'b'].map((name) =>
      schedulerOn(server, (status) => runs.push(`${name}: ${status}`)),
    );
    const inTwoHours = Date.now() + 2 * 3_600_000;
    await Promise.all(schedulers.map((s) => s.tick(inTwoHours)));
    await Promise.all(schedulers.map((s) => s.stop()));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^[ab]: UNCHANGED$/);
  });

  it('ticks on its clock: nothing before the tick is due, the due tag at the tick', async () => {
    // Past the next run the first case left (a day after its import).
    const clock = new ManualClock(Date.now() + 3 * 86_400_000);
    const runs: string[] = [];
    const scheduler = schedulerOn(server, (status) => runs.push(status), clock);
    scheduler.start();
    try {
      expect(clock.pending()).toBe(1);
      clock.advance(59_999);
      // The timer is still set: the tick has not fired.
      expect(clock.pending()).toBe(1);
      expect(runs).toEqual([]);
      clock.advance(1);
      await eventually(() => runs.length === 1, 'the tick to import the due tag');
      expect(runs).toEqual(['UNCHANGED']);
    } finally {
      await scheduler.stop();
    }
    expect(clock.pending()).toBe(0);
  });
});
