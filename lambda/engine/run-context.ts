import type { Clock } from '../clock.js';
import type { Config } from '../config/config-schema.js';
import type { ErrorCode } from '../errors.js';
import type { Log } from '../log.js';
import type { BlobStore } from '../stores/blob-store.js';
import type { MailboxLayout } from './layout.js';
import type { Ledger } from './ledger.js';
import type { RunBudget } from './run-budget.js';
import type { RunCatalog } from './run-catalog.js';
import type { RunOptions } from './run-options.js';
import type { SendQueue } from './send-queue.js';
import type { RunSummary, StopReason } from './summary.js';

/** What the phases of one run share. */
export interface RunContext {
  readonly runId: string;
  readonly config: Config;
  readonly store: BlobStore;
  readonly layout: MailboxLayout;
  readonly ledger: Ledger;
  /** Message records: this run's, buffered until the next ledger save, and the catalog's. */
  readonly catalog: RunCatalog;
  readonly log: Log;
  readonly clock: Clock;
  readonly counters: RunCounters;
  /** When the run stops fetching, sending and waiting on servers (run-budget.ts). */
  readonly budget: RunBudget;
  /** Aborts when the run must stop waiting on servers: a send in flight is cut off. */
  readonly cutoff: AbortSignal;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: RunOptions['onProgress'];
  /** Messages with sends to do, from the fetch to the sender. */
  readonly sends: SendQueue;
}

export interface RunCounters {
  fetched: number;
  archived: number;
  alreadyArchived: number;
  deleted: number;
  forwarded: number;
  replied: number;
  skipped: number;
  failed: number;
  remaining: number;
  pendingActions: number;
  stoppedBy: StopReason | null;
  busy: string | null;
  bytes: number;
  alerts: Array<{ code: ErrorCode; message: string }>;
}

export const newCounters = (): RunCounters => ({
  fetched: 0,
  archived: 0,
  alreadyArchived: 0,
  deleted: 0,
  forwarded: 0,
  replied: 0,
  skipped: 0,
  failed: 0,
  remaining: 0,
  pendingActions: 0,
  stoppedBy: null,
  busy: null,
  bytes: 0,
  alerts: [],
});

export const toSummary = (counters: RunCounters, durationMs: number): RunSummary => {
  const { bytes: _bytes, ...summary } = counters;
  return { ...summary, durationMs };
};
