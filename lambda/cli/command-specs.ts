/**
 * What each command is called and how it is used: the help text needs only this, so a command's
 * implementation (and what it imports: the AWS SDK, nodemailer, mailparser) loads only when run.
 */
export interface CommandSpec {
  /** Words after `popfwd`, e.g. ['archive', 'list']. */
  readonly name: readonly string[];
  readonly summary: string;
  readonly usage: string;
}

export const COMMAND_SPECS = {
  run: {
    name: ['run'],
    summary: 'poll the mailbox once (without --config: the built-in sandbox)',
    usage: 'run [--config FILE] [--json] [--deadline 4m] [--verbose]',
  },
  watch: {
    name: ['watch'],
    summary: 'poll the mailbox in a loop (local daemon mode)',
    usage: 'watch --config FILE [--every 5m] [--json] [--verbose]',
  },
  configCheck: {
    name: ['config', 'check'],
    summary: 'validate a config file and explain what it will do',
    usage: 'config check --config FILE',
  },
  rulesTest: {
    name: ['rules', 'test'],
    summary: 'dry run: which rules match a message and what popfwd would do',
    usage: 'rules test --config FILE MESSAGE.eml [--json] [--date DATE]',
  },
  archiveList: {
    name: ['archive', 'list'],
    summary: 'list archived messages (metadata only, no re-parsing)',
    usage: 'archive list --config FILE [--json]',
  },
  authLogin: {
    name: ['auth', 'login'],
    summary: 'sign in to Outlook.com (OAuth2 device code) and store the refresh token',
    usage: 'auth login --config FILE',
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandKey = keyof typeof COMMAND_SPECS;
