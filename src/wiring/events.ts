import type { Logger } from 'pino';
import type { Identities } from '../auth/identities';
import type { SecretBox } from '../auth/secret-box';
import type { Config } from '../config';
import { EgressPolicy } from '../egress/egress-policy';
import { InProcessEventBus, type EventBus } from '../events/event-bus';
import { EventFeed } from '../events/event-feed';
import { EventLog } from '../events/event-log';
import { EventRetention } from '../events/event-retention';
import { RedisEventBus } from '../events/redis-event-bus';
import { DeliveryQueue } from '../events/triggers/delivery-queue';
import { DeliveryWorker } from '../events/triggers/delivery-worker';
import { TriggerStore } from '../events/triggers/trigger-store';
import { ReceiverStore } from '../events/webhooks/receiver-store';
import type { Metrics } from '../server/metrics';
import type { Db } from '../store/database';
import { startPart, type Stoppable } from './teardown';

export interface EventsDeps {
  db: Db;
  identities: Identities;
  secretBox: SecretBox;
  metrics: Metrics;
}

export interface EventsPart extends Stoppable {
  bus: EventBus;
  eventLog: EventLog;
  /** This process's live view of the event log. */
  feed: EventFeed;
  triggers: TriggerStore;
  /** The egress policy as it applies to trigger URLs. */
  triggerEgress: EgressPolicy;
  webhookReceivers: ReceiverStore;
}

/**
 * The event log and what follows it: the bus (connected, for Redis), the feed, retention and the
 * trigger delivery worker, all running once this returns. Stopping ends them in reverse: the
 * delivery worker (its deliveries in flight finish), retention, the feed, then the bus.
 */
export function startEvents(config: Config, deps: EventsDeps, log: Logger): Promise<EventsPart> {
  return startPart(log, async (teardown) => {
    const { events } = config;
    const bus = events.redisUrl ? new RedisEventBus(events.redisUrl, log) : new InProcessEventBus();
    teardown.add('event bus', () => bus.close());
    if (bus instanceof RedisEventBus) await bus.connect();
    bus.onSignal((signal) => {
      if (signal.kind === 'revoked') void deps.identities.forgetCached();
    });
    const eventLog = new EventLog(deps.db);
    const feed = new EventFeed(
      eventLog,
      bus,
      {
        bufferSize: events.subscriberBuffer,
        pollMs: events.pollMs,
        existingTokens: (ids) => deps.identities.existing(ids),
      },
      log,
    );
    await feed.start();
    teardown.add('event feed', () => feed.stop());
    const retention = new EventRetention(eventLog, events.retentionDays * 86_400_000, log);
    retention.start();
    teardown.add('event retention', () => retention.stop());
    // events.triggerPrivateNetworks, kept from before the one policy, widens it for triggers only.
    const triggerEgress = new EgressPolicy(config.upstream.privateNetworks, {
      allPrivate: events.triggerPrivateNetworks,
    });
    const triggers = new TriggerStore(deps.db, deps.secretBox);
    const deliveries = new DeliveryWorker(
      new DeliveryQueue(deps.db),
      triggers,
      feed,
      {
        timeoutMs: events.triggerTimeoutMs,
        retryBaseMs: events.triggerRetryBaseMs,
        maxRetryMs: events.triggerMaxRetrySeconds * 1000,
        egress: triggerEgress,
      },
      log.child({ component: 'triggers' }),
      (result) => deps.metrics.triggerAttempts.inc({ result }),
    );
    teardown.add('trigger deliveries', () => deliveries.stop());
    deliveries.start();
    return {
      bus,
      eventLog,
      feed,
      triggers,
      triggerEgress,
      webhookReceivers: new ReceiverStore(deps.db),
    };
  });
}
