/**
 * What each command is called and how it is used: the help text needs only this, so a command's
 * implementation (and what it imports: the AWS SDK, nodemailer, mailparser) loads only when run.
 */
export interface CommandSpec {
  /** Words after `popfwd`, e.g. ['archive', 'list']. */
  readonly name: readonly string[];
  readonly summary: string;
  readonly usage: string;
  /** Each option and what it does, for `popfwd COMMAND --help`. */
  readonly options: readonly (readonly [option: string, description: string])[];
}

const CONFIG = ['--config, -c FILE', 'the config file (YAML or JSON)'] as const;
const JSON_OUTPUT = ['--json', 'print one JSON object instead of text'] as const;
const VERBOSE = ['--verbose, -v', 'debug log lines (commands, decisions; never secrets)'] as const;

export const COMMAND_SPECS = {
  run: {
    name: ['run'],
    summary: 'poll the mailbox once (without --config: the built-in sandbox)',
    usage: 'run [--config FILE] [--json] [--deadline 4m] [--verbose]',
    options: [
      [CONFIG[0], `${CONFIG[1]}; without it, a run against the built-in sandbox mailbox`],
      [
        JSON_OUTPUT[0],
        'print the summary as one JSON object: {fetched, archived, alreadyArchived, deleted, forwarded, replied, skipped, failed, durationMs, …}',
      ],
      [
        '--deadline DURATION',
        'finish (QUIT sent, state saved) within this time, e.g. 90s or 4m; at most limits.runTimeout (default 10m)',
      ],
      VERBOSE,
    ],
  },
  watch: {
    name: ['watch'],
    summary: 'poll the mailbox in a loop (local daemon mode)',
    usage: 'watch --config FILE [--every 5m] [--deadline 4m] [--json] [--verbose]',
    options: [
      CONFIG,
      [
        '--every DURATION',
        'time between polls, at least 10s (default 5m); the config is re-read before each poll',
      ],
      ['--deadline DURATION', 'each poll finishes within this time (default: --every)'],
      [JSON_OUTPUT[0], 'print each run summary as one JSON line'],
      VERBOSE,
    ],
  },
  configCheck: {
    name: ['config', 'check'],
    summary: 'validate a config file and explain what it will do',
    usage: 'config check --config FILE',
    options: [CONFIG],
  },
  rulesTest: {
    name: ['rules', 'test'],
    summary: 'dry run: which rules match a message and what popfwd would do',
    usage: 'rules test --config FILE MESSAGE.eml [--json] [--date DATE]',
    options: [
      CONFIG,
      ['MESSAGE.eml', 'a raw message, e.g. one from the archive; nothing is sent or stored'],
      JSON_OUTPUT,
      ['--date DATE', 'evaluate as if on this day (vacation from/until), e.g. 2026-12-24'],
    ],
  },
  archiveList: {
    name: ['archive', 'list'],
    summary: 'list archived messages (metadata only, no re-parsing)',
    usage: 'archive list --config FILE [--json]',
    options: [
      CONFIG,
      [JSON_OUTPUT[0], 'one JSON line per message: {uidl, key, size, sha256, from, subject, date}'],
    ],
  },
  authLogin: {
    name: ['auth', 'login'],
    summary: 'sign in to Outlook.com (OAuth2 device code) and store the refresh token',
    usage: 'auth login --config FILE',
    options: [
      [
        CONFIG[0],
        'a config with auth.method oauth2 (or preset: outlook); the refresh token is stored where auth.refreshToken points',
      ],
    ],
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandKey = keyof typeof COMMAND_SPECS;

/** `popfwd COMMAND --help`: usage, what it does, and each option. */
export const commandHelp = (spec: CommandSpec): string => {
  const width = Math.max(...spec.options.map(([option]) => option.length));
  return [
    `usage: popfwd ${spec.usage}`,
    '',
    spec.summary,
    '',
    ...spec.options.map(([option, description]) => `  ${option.padEnd(width)}  ${description}`),
    '',
  ].join('\n');
};
