import type { StatusReport } from '../../engine/status-report.js';
import { formatBytes } from '../../units.js';

/** "2026-11-26 08:00 UTC": minutes are enough to read a report. */
const when = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Server text quoted in a report: one line, bounded. */
const oneLine = (text: string, max = 160): string => {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The last runs shown in text; --json has all that are kept. */
const RUNS_SHOWN = 5;

/** `popfwd status` for people: a short report, most pressing first. */
export const formatStatus = (report: StatusReport, oauth2: boolean): string => {
  const lines: string[] = [`${report.mailbox} (${report.location})`];
  if (!report.initialized) {
    lines.push('  no run has saved this mailbox yet');
    return `${lines.join('\n')}\n`;
  }
  if (report.lease)
    lines.push(`  a run (${report.lease.owner}) is working until ${when(report.lease.until)}`);
  if (report.sendPause) {
    lines.push(
      `  sending paused until ${when(report.sendPause.until)}: ${report.sendPause.code} ${oneLine(report.sendPause.reason)}`,
    );
  }
  lines.push(`  sends waiting: ${report.waiting.length}`);
  for (const send of report.waiting) {
    const next = send.nextAttempt ? `next try ${when(send.nextAttempt)}` : 'due on the next run';
    const error = send.lastError
      ? `; last error ${send.lastError.code}: ${oneLine(send.lastError.message)}`
      : '';
    lines.push(
      `    ${send.kind} to ${send.to.join(', ')} (UIDL ${send.uidl}, ${send.attempts} attempt(s)${send.inDoubt ? ', in doubt' : ''}): ${next}${error}`,
    );
  }
  lines.push(`  sends failed: ${report.failed.length}`);
  for (const send of report.failed) {
    lines.push(
      `    ${send.kind} to ${send.to.join(', ')} (UIDL ${send.uidl}, ${when(send.at)}): ${oneLine(send.reason)}`,
    );
  }
  if (report.quarantined.length > 0) {
    lines.push(`  messages set aside (could not be read): ${report.quarantined.length}`);
    for (const message of report.quarantined) {
      const until = message.until
        ? `set aside until ${when(message.until)}`
        : 'will be tried again';
      lines.push(
        `    UIDL ${message.uidl}: ${message.failures} failure(s), ${until}; ${message.code}: ${oneLine(message.message)}`,
      );
    }
  }
  const { count, cap } = report.sendsToday;
  lines.push(`  sends today: ${count} of ${cap}`);
  const bytes = report.archive.bytes === null ? '' : `, ${formatBytes(report.archive.bytes)}`;
  lines.push(
    `  archive: ${report.archive.messages} message(s)${bytes}; ${report.archive.seenOnServer} archived message(s) still on the server`,
  );
  if (oauth2) {
    lines.push(
      `  refresh token last rotated: ${report.refreshTokenRotatedAt ? when(report.refreshTokenRotatedAt) : 'not recorded yet'}`,
    );
  }
  const runs = report.runs.slice(-RUNS_SHOWN).reverse();
  lines.push(
    `  last runs that changed something (newest first): ${runs.length === 0 ? 'none recorded' : ''}`.trimEnd(),
  );
  for (const run of runs) {
    const error = run.error ? ` ${run.error}` : '';
    lines.push(
      `    ${when(run.at)}  ${run.outcome}${error}  ${seconds(run.durationMs)}  fetched ${run.fetched} · archived ${run.archived} · deleted ${run.deleted} · forwarded ${run.forwarded} · replied ${run.replied} · failed ${run.failed}`,
    );
  }
  return `${lines.join('\n')}\n`;
};
