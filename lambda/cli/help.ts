import { type CommandSpec, GROUPS, SPECS, usageOf } from './command-specs.js';
import { EXIT_MEANINGS, EXIT_SEVERITY } from './exit-codes.js';
import { GLOBAL_OPTIONS, type OptionSpecs, optionLabel } from './option-spec.js';

const table = (rows: readonly (readonly [string, string])[], indent = '  '): string[] => {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`);
};

const optionRows = (options: OptionSpecs): Array<[string, string]> =>
  Object.entries(options).map(([name, option]) => [optionLabel(name, option), option.description]);

const EVERY_COMMAND = table(optionRows(GLOBAL_OPTIONS));

const CONFIG_SEARCH = [
  'The config: --config FILE, else $POPFWD_CONFIG, else $XDG_CONFIG_HOME/popfwd/config.yaml',
  '(~/.config/popfwd/config.yaml). No config yet? `popfwd sandbox` shows what popfwd does.',
];

export const exitCodeLines = (): string[] =>
  table(Object.entries(EXIT_MEANINGS).map(([code, meaning]) => [code, meaning]));

/** `popfwd --help`: every command, the options they share, where the config is, exit codes. */
export const mainHelp = (version: string): string =>
  [
    `popfwd ${version} — archive, forward and auto-reply for a Hotmail / Outlook.com (or any POP3) mailbox`,
    '',
    'usage: popfwd <command> [options]',
    '',
    ...SPECS.flatMap(([, spec]) => [`  ${usageOf(spec)}`, `      ${spec.summary}`]),
    '',
    'Options of every command:',
    ...EVERY_COMMAND,
    '',
    ...CONFIG_SEARCH,
    '',
    'Exit codes:',
    ...exitCodeLines(),
    `Several configs (run, watch): the most urgent of theirs, ${EXIT_SEVERITY.join(' > ')}.`,
    '',
    '`popfwd help COMMAND` (or `popfwd COMMAND --help`) explains a command. Docs: README.md.',
    '',
  ].join('\n');

/** `popfwd config --help`: the commands of one group. */
export const groupHelp = (group: string): string => {
  const specs = SPECS.filter(([, spec]) => spec.name[0] === group && spec.name.length > 1);
  return [
    `usage: popfwd ${group} <command> [options]`,
    '',
    `${GROUPS[group] ?? group}:`,
    ...table(specs.map(([, spec]) => [usageOf(spec), spec.summary])),
    '',
    `\`popfwd help ${group} COMMAND\` explains a command.`,
    '',
  ].join('\n');
};

/** `popfwd COMMAND --help`: usage, what it does, and each option. */
export const commandHelp = (spec: CommandSpec): string =>
  [
    `usage: popfwd ${usageOf(spec)}`,
    '',
    spec.summary,
    '',
    ...table([
      ...(spec.positionals ?? []).map((positional): [string, string] => [
        `    ${positional.name}`,
        positional.description,
      ]),
      ...optionRows(spec.options),
      ...optionRows(GLOBAL_OPTIONS),
    ]),
    '',
    ...(Object.hasOwn(spec.options, 'config') ? [...CONFIG_SEARCH, ''] : []),
  ].join('\n');
