import type { RunSummary } from '../../../lambda/engine/summary.js';

/** A quiet, successful run; override what a test is about. */
export const runSummary = (overrides: Partial<RunSummary> = {}): RunSummary => ({
  fetched: 0,
  archived: 0,
  alreadyArchived: 0,
  deleted: 0,
  forwarded: 0,
  replied: 0,
  skipped: 0,
  failed: 0,
  durationMs: 1_200,
  remaining: 0,
  pendingActions: 0,
  stoppedBy: null,
  busy: null,
  alerts: [],
  ...overrides,
});
