import type { Context } from 'aws-lambda';
import type { AccessTokenCache } from '../auth/access-token-cache.js';
import { type Clock, systemClock } from '../clock.js';
import type { Config } from '../config/config-schema.js';
import type { RunOptions } from '../engine/run-options.js';
import type { RunPorts } from '../engine/run-ports.js';
import type { RunSummary } from '../engine/summary.js';
import { isPopfwdError } from '../errors.js';
import type { Log } from '../log.js';
import { redactingLog } from '../redact/redacting-log.js';
import { Redactor } from '../redact/redactor.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { DEADLINE_MARGIN_MS, runDeadline } from './deadline.js';
import { type MetricsSink, publishRunMetrics, type RunOutcome, runMetrics } from './run-metrics.js';

/**
 * The engine's adapters as a container holds them (shell/aws-adapters.ts `lambdaAdapters` builds
 * them): shared by its invocations, except the secrets, opened afresh for each.
 */
export interface ContainerAdapters extends Omit<RunPorts, 'secrets' | 'clock'> {
  /**
   * A secret store for one invocation: its cache must not outlive the run, or a warm container
   * would keep using a password or refresh token the owner has since replaced in SSM.
   */
  readonly openSecrets: () => SecretStore;
  /**
   * The container's OAuth2 access token cache: warm invocations reuse the access token (only
   * that) until shortly before it expires, and skip the token refresh and the secret reads.
   */
  readonly accessTokens?: AccessTokenCache;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** Everything the handler needs, built once per container (module scope in handler.ts). */
export interface HandlerDependencies extends ContainerAdapters {
  readonly config: Config;
  /** The engine: `runMailbox` in production. */
  readonly run: (options: RunOptions) => Promise<RunSummary>;
  readonly metrics: MetricsSink;
  /** The log for one invocation (the Lambda adapter adds the request id from the context). */
  readonly logFor: (context: Context) => Log;
  /** @default DEADLINE_MARGIN_MS */
  readonly deadlineMarginMs?: number;
}

/** Async only: Node 24 runtimes no longer accept callback-style handlers. */
export type ScheduledHandler = (event: unknown, context: Context) => Promise<RunSummary>;

const report = (log: Log, outcome: RunOutcome): void => {
  if (!outcome.ok) {
    const { error } = outcome;
    log.error('run failed', isPopfwdError(error) ? { code: error.code, error } : { error });
  } else if (outcome.summary.busy !== null) {
    log.warn('mailbox busy, nothing done this run', { busy: outcome.summary.busy });
  } else {
    log.info('run finished', { summary: outcome.summary });
  }
};

/**
 * One scheduled poll. Rejects only when the run itself failed, so the Lambda Errors metric counts
 * real failures; message-level failures are in the summary, and a mailbox held by another client
 * is a normal, resolved run.
 */
export const createHandler = (deps: HandlerDependencies): ScheduledHandler => {
  const clock = deps.clock ?? systemClock;
  const marginMs = deps.deadlineMarginMs ?? DEADLINE_MARGIN_MS;
  return async (_event, context) => {
    // Learns the run's secrets: the net for every line logged and the error the runtime prints.
    const redactor = new Redactor();
    const log = redactingLog(deps.logFor(context), redactor);
    const started = clock.now();
    // The engine caps it by limits.runTimeout (run-budget.ts).
    const deadline = runDeadline({
      now: started,
      remainingMs: context.getRemainingTimeInMillis(),
      marginMs,
    });
    let outcome: RunOutcome;
    try {
      const summary = await deps.run({
        config: deps.config,
        store: deps.store,
        secrets: deps.openSecrets(),
        connectPop3: deps.connectPop3,
        mailers: deps.mailers,
        ...(deps.accessTokens ? { accessTokens: deps.accessTokens } : {}),
        log,
        clock,
        deadline,
        redactor,
      });
      outcome = { ok: true, summary: redactor.redactValue(summary) };
    } catch (error) {
      outcome = {
        ok: false,
        error: redactor.redactError(error),
        durationMs: clock.now() - started,
      };
    }
    report(log, outcome);
    publishRunMetrics(deps.metrics, runMetrics(outcome));
    if (!outcome.ok) throw outcome.error;
    return outcome.summary;
  };
};
