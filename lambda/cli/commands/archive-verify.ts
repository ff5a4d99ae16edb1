import { hasProblems, type VerifyReport, verifyArchive } from '../../archive/verify.js';
import { formatBytes } from '../../units.js';
import { ARCHIVE_READS_IN_FLIGHT, openArchive } from '../archive-session.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';

const describe = (report: VerifyReport, location: string): string => {
  const lines: string[] = [];
  for (const item of report.missing) {
    lines.push(`missing  ${item.key} (UIDL ${item.uidl}): in the catalog, not in the store`);
  }
  for (const item of report.damaged) {
    const what =
      item.actual.size === item.expected.size
        ? `sha256 ${item.actual.sha256.slice(0, 12)}, the catalog says ${item.expected.sha256.slice(0, 12)}`
        : `${item.actual.size} bytes, the catalog says ${item.expected.size}`;
    lines.push(`damaged  ${item.key} (UIDL ${item.uidl}): ${what}`);
  }
  for (const item of report.extra) {
    const size = item.size === null ? '' : ` (${formatBytes(item.size)})`;
    lines.push(`extra    ${item.key}${size}: no catalog entry names it`);
  }
  const verdict = hasProblems(report) ? '' : ': all good';
  const stopped = report.interrupted ? ' (interrupted before the end)' : '';
  lines.push(
    `${lines.length > 0 ? '\n' : ''}verified ${report.messages} message(s), ${formatBytes(report.bytes)} read in ${location}${stopped}: ${report.ok} ok, ${report.missing.length} missing, ${report.extra.length} extra, ${report.damaged.length} damaged${verdict}`,
  );
  return `${lines.join('\n')}\n`;
};

/**
 * `popfwd archive verify`: every raw object read again and checked. Exit 1 when anything is
 * missing, extra or damaged (the archive needs a look), 130 when interrupted, 0 otherwise.
 */
export const archiveVerifyCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.archiveVerify, args);
    const { store, layout, catalog, progress } = await openArchive(values, io);
    const report = await verifyArchive(store, layout, catalog, {
      concurrency: ARCHIVE_READS_IN_FLIGHT,
      signal: io.signal,
      onProgress: (state) => progress.count('verifying', state),
    });
    progress.clear();
    if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else if (!values.quiet || hasProblems(report))
      io.stdout.write(describe(report, store.location));
    if (report.interrupted) return EXIT.interrupted;
    return hasProblems(report) ? EXIT.failed : EXIT.ok;
  },
};
