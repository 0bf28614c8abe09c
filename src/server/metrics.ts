import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { operationLabeler, registryLabel, statusLabel } from './metric-labels';

/** One Prometheus registry per server instance (nothing global). */
export class Metrics {
  readonly registry = new Registry();

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  readonly graphqlRequests = this.counter(
    'regql_graphql_requests_total',
    'GraphQL operations executed, by operation name and transport',
    ['operation', 'transport'],
  );

  readonly graphqlDuration = new Histogram({
    name: 'regql_graphql_request_duration_seconds',
    help: 'Latency of GraphQL operations over HTTP, by operation name',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly graphqlErrors = this.counter(
    'regql_graphql_errors_total',
    'GraphQL errors returned, by extensions.code',
    ['code'],
  );

  readonly openSubscriptions = new Gauge({
    name: 'regql_subscriptions_open',
    help: 'GraphQL subscriptions currently open over WebSocket',
    registers: [this.registry],
  });

  readonly upstreamRequests = this.counter(
    'regql_upstream_requests_total',
    'HTTP requests to registries, by registry name (other: hosts no registry claims) and status (0: no answer)',
    ['registry', 'status'],
  );

  readonly imports = this.counter(
    'regql_imports_total',
    'Tag imports by result (SUCCESS, UNCHANGED, FAILED) and trigger (api, schedule, webhook)',
    ['status', 'trigger'],
  );

  readonly webhookRequests = this.counter(
    'regql_webhook_requests_total',
    'Inbound registry webhook requests, by kind and HTTP status answered',
    ['kind', 'status'],
  );

  readonly triggerAttempts = this.counter(
    'regql_trigger_attempts_total',
    'Outbound trigger POSTs, by outcome (DELIVERED, RETRY, FAILED)',
    ['result'],
  );

  /** The label value of an operation name: the project's and configured names, else `other`. */
  readonly operationLabel: (name: string | null | undefined) => string;

  constructor(storeQueries: () => number, metricOperations: readonly string[]) {
    this.operationLabel = operationLabeler(metricOperations);
    collectDefaultMetrics({ register: this.registry, prefix: 'regql_' });
    new Gauge({
      name: 'regql_store_queries',
      help: 'Statements run against the store since start',
      registers: [this.registry],
      collect() {
        this.set(storeQueries());
      },
    });
  }

  countUpstream(registry: string, status: number): void {
    this.upstreamRequests.inc({ registry: registryLabel(registry), status: statusLabel(status) });
  }

  countErrors(errors: readonly { extensions?: Record<string, unknown> }[]): void {
    for (const error of errors) {
      const code = error.extensions?.code;
      this.graphqlErrors.inc({ code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' });
    }
  }
}
