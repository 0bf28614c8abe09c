import type { Logger } from 'pino';
import type { ImportScheduler } from '../streams/scheduler';
import { startPart, type Stoppable } from './teardown';

/**
 * The loops that act on their own, started last, once regql serves, so that on shutdown they stop
 * first and start nothing new while requests drain. Stopping waits for the scheduler's tick under
 * way and the imports it started.
 */
export function startBackground(
  deps: { scheduler: ImportScheduler },
  log: Logger,
): Promise<Stoppable> {
  return startPart(log, (teardown) => {
    deps.scheduler.start();
    teardown.add('import scheduler', () => deps.scheduler.stop());
    return {};
  });
}
