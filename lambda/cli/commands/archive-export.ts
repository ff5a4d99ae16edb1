import { resolve } from 'node:path';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportReport,
  exportArchive,
} from '../../archive/export/export-archive.js';
import { PopfwdError } from '../../errors.js';
import { formatBytes } from '../../units.js';
import { ARCHIVE_READS_IN_FLIGHT, filterFromFlags, openArchive } from '../archive-session.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';

const formatOf = (value: string): ExportFormat => {
  if ((EXPORT_FORMATS as readonly string[]).includes(value)) return value as ExportFormat;
  throw new PopfwdError(
    'EUSAGE',
    `--format expects ${EXPORT_FORMATS.join(', ')}, got "${value.slice(0, 40)}"`,
  );
};

const summary = (report: ExportReport): string => {
  const lines = [
    `exported ${report.exported} (${formatBytes(report.bytes)}), already there ${report.alreadyThere}${report.interrupted ? ' — interrupted: the next export to the same --out goes on' : ''}`,
  ];
  if (report.repaired > 0) {
    lines.push(`repaired ${report.repaired} message(s) an interrupted export left half-written`);
  }
  for (const item of report.missing) {
    lines.push(`missing: ${item.key} (UIDL ${item.uidl}) is in the catalog but not in the store`);
  }
  for (const item of report.damaged) {
    lines.push(
      `damaged: ${item.key} (UIDL ${item.uidl}) does not match the catalog (size ${item.found?.size}, sha256 ${item.found?.sha256.slice(0, 12)}); not exported`,
    );
  }
  if (report.missing.length + report.damaged.length > 0) {
    lines.push('`popfwd archive verify` checks the whole archive');
  }
  return `${lines.join('\n')}\n`;
};

/**
 * `popfwd archive export`: the catalog filtered, each message copied byte-exact into --out in
 * the chosen format, resumable. Exit 0 when every chosen message is there; 1 when some could
 * not be exported (missing or damaged in the store); 130 when interrupted.
 */
export const archiveExportCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.archiveExport, args);
    const format = formatOf(values.format);
    const matches = filterFromFlags(values);
    const out = resolve(io.cwd, values.out);
    const { store, catalog, progress } = await openArchive(values, io);
    const records = catalog.records.filter(matches);
    const report = await exportArchive(store, records, {
      format,
      out,
      concurrency: ARCHIVE_READS_IN_FLIGHT,
      signal: io.signal,
      onProgress: (state) => progress.count('exporting', state),
    });
    progress.clear();
    if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else if (!values.quiet) io.stdout.write(summary(report));
    if (report.interrupted) return EXIT.interrupted;
    return report.missing.length + report.damaged.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
