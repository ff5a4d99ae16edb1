import type { Config } from '../config/config-schema.js';
import { type DryRunReport, dryRunMailbox } from '../engine/dry-run.js';
import type { LogLevel } from '../log.js';
import { redactingLog } from '../redact/redacting-log.js';
import { Redactor } from '../redact/redactor.js';
import { describeSend } from '../rules/describe.js';
import { formatBytes } from '../units.js';
import { cliAdapters } from './adapters.js';
import type { CliIO } from './io.js';
import { consoleLog } from './output/console-log.js';

/** `popfwd run --dry-run`: the report, with every secret the run learnt masked. */
export const executeDryRun = async (
  config: Config,
  io: CliIO,
  flags: { readonly level: LogLevel; readonly deadlineMs?: number },
): Promise<DryRunReport> => {
  const redactor = new Redactor();
  const log = redactingLog(consoleLog(io.stderr, { level: flags.level }), redactor);
  const adapters = cliAdapters(config, io);
  try {
    const report = await dryRunMailbox({
      config,
      ...adapters,
      redactor,
      log,
      // The engine caps it by limits.runTimeout (run-budget.ts).
      ...(flags.deadlineMs === undefined
        ? {}
        : { deadline: adapters.clock.now() + flags.deadlineMs }),
      signal: io.signal,
    });
    return redactor.redactValue(report);
  } catch (error) {
    throw redactor.redactError(error);
  }
};

const oneLine = (text: string, max = 80): string => {
  const flat = text.replace(/[\x00-\x1f\x7f]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The dry run for people: per new message what a run would do, then what it would delete. */
export const formatDryRun = (report: DryRunReport): string => {
  const lines = [
    `${report.mailbox}: dry run — nothing was changed on the server or in the store`,
    `  the server lists ${report.listed} message(s); a run would archive ${report.archive.length}${report.later ? ` and leave ${report.later} for later runs (limits)` : ''}`,
  ];
  if (report.seenLost) {
    lines.push(
      '  note: the index of archived UIDLs (uidls.json) is missing; a run matches these messages to their records, so some are already archived',
    );
  }
  for (const message of report.archive) {
    lines.push(
      `  archive ${message.uidl} (${formatBytes(message.size)}) from ${oneLine(message.from || '(none)', 60)}: ${oneLine(message.subject || '(no subject)')}`,
    );
    if (message.problem) lines.push(`    ${oneLine(message.problem, 200)}`);
    const plan = message.plan;
    if (!plan) continue;
    for (const action of plan.actions)
      lines.push(`    would ${oneLine(describeSend(action), 200)}`);
    if (plan.discarded) lines.push('    discarded by a rule: nothing sent');
    if (plan.tags.length > 0) lines.push(`    tags: ${plan.tags.join(', ')}`);
    for (const note of plan.notes) lines.push(`    note: ${oneLine(note.reason, 200)}`);
  }
  lines.push(
    `  would delete from the server: ${report.delete.length === 0 ? 'none' : report.delete.join(', ')}`,
  );
  if (report.waitingSends > 0) {
    lines.push(`  sends waiting from earlier runs: ${report.waitingSends} (see \`popfwd status\`)`);
  }
  return `${lines.join('\n')}\n`;
};
