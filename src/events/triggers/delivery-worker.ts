import type { Logger } from 'pino';
import { Agent } from 'undici';
import { EgressDeniedError } from '../../egress/egress-denied';
import type { EgressPolicy } from '../../egress/egress-policy';
import { guardedConnector } from '../../oci/client/connect-guard';
import type { EventFeed } from '../event-feed';
import type { ClaimedDelivery, DeliveryQueue } from './delivery-queue';
import { postEvent, type AttemptResult } from './post-event';
import { afterAttempt, type RetrySettings } from './retry-policy';
import { deliveryHeaders } from './signature';
import type { TriggerStore } from './trigger-store';

export interface DeliverySettings extends RetrySettings {
  /** One attempt, from connect to the end of the response. */
  timeoutMs: number;
  /** Which addresses receivers may be on. */
  egress: EgressPolicy;
}

const CONCURRENCY = 8;
/** Beyond the timeout, so that a lease outlives the attempt it covers. */
const LEASE_MARGIN_MS = 30_000;
/** A wake-up at least this often: leases of another process that stopped mid-attempt expire. */
const MAX_SLEEP_MS = 60_000;
const CLAIM_RETRY_MS = 5_000;

/**
 * Sends trigger deliveries: woken by new events and by a timer for the next retry, it claims due
 * deliveries (at most one per trigger and stream at a time), POSTs them signed, and records the
 * outcome. Stopping waits for the attempts in flight, each bounded by the timeout.
 */
export class DeliveryWorker {
  private readonly agent: Agent;
  private readonly inFlight = new Set<Promise<void>>();
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly triggers: TriggerStore,
    private readonly feed: Pick<EventFeed, 'onEvents'>,
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
    private readonly countAttempt: (result: AttemptResult['result']) => void,
  ) {
    this.agent = new Agent({
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      connect: guardedConnector({ timeout: settings.timeoutMs }, settings.egress.guard('public')),
    });
  }

  start(): void {
    this.unsubscribe = this.feed.onEvents((events) => {
      if (events.some((e) => e.namespace)) this.wake();
    });
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.sleepUntil(null);
    await this.pumping;
    await Promise.all(this.inFlight);
    await this.agent.close();
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.wake();
      }
    });
  }

  private async pump(): Promise<void> {
    const room = CONCURRENCY - this.inFlight.size;
    // With every slot busy, the next completion wakes the worker.
    if (room <= 0) return;
    let next: number | null;
    try {
      const now = Date.now();
      await this.queue.giveUpQueuedBefore(now - this.settings.maxRetryMs, now);
      const claimed = await this.queue.claim(
        room,
        Date.now(),
        this.settings.timeoutMs + LEASE_MARGIN_MS,
      );
      for (const claim of claimed) this.track(claim);
      if (claimed.length === room) return;
      next = await this.queue.nextDue();
    } catch (err) {
      this.logger.error({ err }, 'claiming trigger deliveries failed');
      next = Date.now() + CLAIM_RETRY_MS;
    }
    this.sleepUntil(next);
  }

  private sleepUntil(at: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (at === null || this.stopped) return;
    const delay = Math.min(MAX_SLEEP_MS, Math.max(0, at - Date.now()));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private track(claim: ClaimedDelivery): void {
    const done = this.deliver(claim)
      .catch((err: unknown) =>
        this.logger.error({ err, delivery: claim.id }, 'recording a trigger delivery failed'),
      )
      .finally(() => {
        this.inFlight.delete(done);
        this.wake();
      });
    this.inFlight.add(done);
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    const startedAt = Date.now();
    const attempt = await this.attempt(claim);
    this.countAttempt(attempt.result);
    const now = Date.now();
    const attempts = claim.attempts + 1;
    const outcome = afterAttempt(
      attempt,
      attempts,
      claim.firstAttemptAt ? Date.parse(claim.firstAttemptAt) : startedAt,
      now,
      this.settings,
    );
    const recorded = await this.queue.record(claim, outcome, now);
    const fields = { trigger: claim.triggerId, delivery: claim.id, attempts };
    if (!recorded) this.logger.debug(fields, 'trigger delivery was removed or taken over');
    else if (outcome.status === 'FAILED')
      this.logger.warn({ ...fields, error: outcome.lastError }, 'trigger delivery failed');
    else this.logger.debug({ ...fields, status: outcome.status }, 'trigger delivery attempted');
  }

  private attempt(claim: ClaimedDelivery): Promise<AttemptResult> | AttemptResult {
    let secret: string;
    try {
      secret = this.triggers.openSecret(claim.triggerId, claim.sealedSecret);
    } catch {
      return {
        result: 'FAILED',
        statusCode: null,
        error: 'the secret cannot be opened: was the secret key changed?',
      };
    }
    try {
      this.settings.egress.checkUrl(new URL(claim.url), 'public');
    } catch (err) {
      if (!(err instanceof EgressDeniedError)) throw err;
      return { result: 'FAILED', statusCode: null, error: `refused: ${err.reason}` };
    }
    const headers = deliveryHeaders(secret, claim.body, claim.eventType, String(claim.id));
    return postEvent(this.agent, claim.url, claim.body, headers, this.settings.timeoutMs);
  }
}
