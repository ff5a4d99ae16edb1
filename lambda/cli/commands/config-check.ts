import { formatBytes, formatDuration } from '../../units.js';
import { cliAdapters } from '../adapters.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { auditConfig } from '../config-audit.js';
import { changedSettings } from '../config-defaults.js';
import { loadCommandConfig } from '../config-location.js';
import type { Command } from '../io.js';
import { describeConfig } from '../output/describe-config.js';

const BYTES = /\.(maxBytesPerRun|maxMessageSize|bodyScanLimit)$/;
const DURATIONS = /\.runTimeout$/;

const shown = (path: string, value: unknown): string => {
  if (typeof value === 'number' && BYTES.test(path)) return formatBytes(value);
  if (typeof value === 'number' && DURATIONS.test(path)) return formatDuration(value);
  if (value === undefined) return 'unset';
  return typeof value === 'string' ? value : JSON.stringify(value);
};

/** Lines under a label, aligned with describeConfig's. */
const labelled = (label: string, lines: readonly string[]): string[] =>
  lines.map((line, index) => `${index === 0 ? label.padEnd(10) : ' '.repeat(10)} ${line}`);

/**
 * `popfwd config check`: the schema, then what only a look outside the file shows — whether each
 * secret can be read now (never its value) — and the settings that differ from the defaults.
 * A secret that cannot be read, or a refresh token `auth login` cannot store, is a problem: exit 2
 * (4 when the secret store itself is out of reach).
 */
export const configCheckCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.configCheck, args);
    const loaded = await loadCommandConfig(values.config, io);
    const audit = await auditConfig(
      loaded.config,
      values.offline ? null : cliAdapters(loaded.config, io).secrets,
    );
    for (const warning of audit.warnings) io.stderr.write(`warning: ${warning}\n`);
    for (const problem of audit.problems) io.stderr.write(`problem: ${problem}\n`);
    // -q: the exit code says it; warnings and problems (stderr) still show.
    if (values.quiet) return audit.exitCode;
    const verdict =
      audit.problems.length === 0 ? 'valid' : `${audit.problems.length} problem(s), see above`;
    const secrets = audit.secrets.map(
      (check) =>
        `${check.path} (${check.ref}): ${!check.read ? 'not read (--offline)' : check.problem === null ? 'readable' : 'cannot be read'}`,
    );
    const changes = changedSettings(loaded.config, loaded.location.path).map(
      (setting) =>
        `${setting.path}: ${shown(setting.path, setting.value)} (default ${shown(setting.path, setting.defaultValue)})`,
    );
    io.stdout.write(
      [
        `${loaded.location.path}: ${verdict}`,
        '',
        describeConfig(loaded.config),
        ...labelled('secrets', secrets),
        ...labelled(
          'changed',
          changes.length > 0 ? changes : ['nothing: every other setting is the default'],
        ),
        '',
      ].join('\n'),
    );
    return audit.exitCode;
  },
};
