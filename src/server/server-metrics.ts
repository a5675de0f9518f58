/**
 * The server's Prometheus metrics (`prom-client`), in a registry of its own per app so two servers
 * in one process (tests) do not share counters. Names follow Prometheus' conventions: `_total` for
 * counters, base units (seconds) for histograms.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  readonly registry: Registry;
  /** decisions by outcome: Allow, ExplicitDeny, ImplicitDeny, error */
  readonly decisions: Counter<'outcome'>;
  readonly decisionSeconds: Histogram;
  readonly sessionsIssued: Counter<'use'>;
  readonly revocations: Counter<'kind'>;
  readonly applies: Counter<'result'>;
  readonly configVersion: Gauge;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
}

export function createServerMetrics(options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? false) collectDefaultMetrics({ register: registry, prefix: 'parapet_' });
  return {
    registry,
    decisions: new Counter({ name: 'parapet_decisions_total', help: 'authorization decisions by outcome', labelNames: ['outcome'], registers: [registry] }),
    decisionSeconds: new Histogram({
      name: 'parapet_decision_seconds',
      help: 'time to decide one authorization request, credential check included',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers: [registry],
    }),
    sessionsIssued: new Counter({ name: 'parapet_credentials_issued_total', help: 'credentials issued, by use', labelNames: ['use'], registers: [registry] }),
    revocations: new Counter({ name: 'parapet_revocations_total', help: 'revocations, by kind', labelNames: ['kind'], registers: [registry] }),
    applies: new Counter({ name: 'parapet_config_applies_total', help: 'configuration applies, by result', labelNames: ['result'], registers: [registry] }),
    configVersion: new Gauge({ name: 'parapet_config_version', help: 'the configuration version this process serves (0: none)', registers: [registry] }),
    httpRequests: new Counter({ name: 'parapet_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
  };
}
