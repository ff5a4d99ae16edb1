import type { RunSummary } from '../../engine/summary.js';
import { formatDuration } from '../../units.js';

const STOP_WORDS: Record<NonNullable<RunSummary['stoppedBy']>, string> = {
  deadline: 'the run reached its deadline',
  maxMessagesPerRun: 'limits.maxMessagesPerRun was reached',
  maxBytesPerRun: 'limits.maxBytesPerRun was reached',
  aborted: 'the run was interrupted',
};

/** The end-of-run report for people; `--json` prints the RunSummary itself. */
export const formatSummary = (mailbox: string, summary: RunSummary): string => {
  if (summary.busy)
    return `${mailbox}: skipped — ${summary.busy}. Nothing was changed; the next run will try again.\n`;
  const lines = [
    `${mailbox}: done in ${formatDuration(summary.durationMs)}`,
    `  fetched ${summary.fetched} · archived ${summary.archived} · already archived ${summary.alreadyArchived} · deleted from server ${summary.deleted}`,
    `  forwarded ${summary.forwarded} · replied ${summary.replied} · skipped ${summary.skipped} · failed ${summary.failed}${summary.pendingActions ? ` · sends waiting ${summary.pendingActions}` : ''}`,
  ];
  if (summary.stoppedBy) {
    lines.push(
      `  stopped early: ${STOP_WORDS[summary.stoppedBy]}; ${summary.remaining} new message(s) wait for the next run`,
    );
  }
  for (const alert of summary.alerts) lines.push(`  ATTENTION (${alert.code}): ${alert.message}`);
  return `${lines.join('\n')}\n`;
};
