import type { RunSummary } from '../../engine/summary.js';
import { formatDuration } from '../../units.js';

const COUNTERS: ReadonlyArray<readonly [keyof RunSummary, string]> = [
  ['fetched', 'fetched'],
  ['archived', 'archived'],
  ['alreadyArchived', 'already archived'],
  ['deleted', 'deleted from server'],
  ['forwarded', 'forwarded'],
  ['replied', 'replied'],
  ['skipped', 'skipped'],
  ['failed', 'failed'],
  ['pendingActions', 'sends waiting'],
  ['remaining', 'left for the next poll'],
];

/**
 * One poll of `popfwd watch` in lines without their timestamps: one line, its non-zero counts
 * ("nothing new" when there are none), then one line per alert.
 */
export const formatPoll = (mailbox: string, summary: RunSummary): string[] => {
  if (summary.busy) return [`${mailbox}: skipped — ${summary.busy}`];
  const counts = COUNTERS.filter(([key]) => (summary[key] as number) > 0).map(
    ([key, label]) => `${label} ${summary[key] as number}`,
  );
  const stopped = summary.stoppedBy ? `; stopped early (${summary.stoppedBy})` : '';
  const what = counts.length === 0 ? 'nothing new' : counts.join(' · ');
  return [
    `${mailbox}: ${what}${stopped} (${formatDuration(summary.durationMs)})`,
    ...summary.alerts.map((alert) => `${mailbox}: ATTENTION (${alert.code}): ${alert.message}`),
  ];
};
