import { verifyMailboxLogin } from '../auth/verify-mailbox-login.js';
import { ERROR_CODES, errorMessage, isPopfwdError } from '../errors.js';
import { archiveListCommand } from './commands/archive-list.js';
import { createAuthLoginCommand } from './commands/auth-login.js';
import { configCheckCommand } from './commands/config-check.js';
import { rulesTestCommand } from './commands/rules-test.js';
import { runCommand } from './commands/run.js';
import { watchCommand } from './commands/watch.js';
import { type CliIO, type Command, EXIT, processIO } from './io.js';

const COMMANDS: readonly Command[] = [
  runCommand,
  watchCommand,
  configCheckCommand,
  rulesTestCommand,
  archiveListCommand,
  createAuthLoginCommand({ verifyLogin: verifyMailboxLogin }),
];

const help = (): string =>
  [
    'popfwd — archive, forward and auto-reply for a Hotmail / Outlook.com (or any POP3) mailbox',
    '',
    'usage: popfwd <command> [options]',
    '',
    ...COMMANDS.map((command) => `  ${command.usage.padEnd(52)} ${command.summary}`),
    '',
    'Exit codes: 0 ok, 1 run failed, 2 bad usage or bad config.',
    'Docs: README.md (Outlook.com setup, config, deploy).',
    '',
  ].join('\n');

const findCommand = (
  argv: readonly string[],
): { command: Command; rest: readonly string[] } | null => {
  for (const command of [...COMMANDS].sort((a, b) => b.name.length - a.name.length)) {
    if (command.name.every((word, index) => argv[index] === word)) {
      return { command, rest: argv.slice(command.name.length) };
    }
  }
  return null;
};

/** Runs one command and returns the exit code; never throws. */
export const main = async (argv: readonly string[], io?: CliIO): Promise<number> => {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const cli = io ?? processIO(controller.signal);
  if (!io) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  try {
    if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
      cli.stdout.write(help());
      return argv.length === 0 ? EXIT.usage : EXIT.ok;
    }
    const found = findCommand(argv);
    if (!found) {
      cli.stderr.write(`popfwd: unknown command "${argv.join(' ')}"\n\n${help()}`);
      return EXIT.usage;
    }
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      cli.stdout.write(`usage: popfwd ${found.command.usage}\n\n${found.command.summary}\n`);
      return EXIT.ok;
    }
    return await found.command.run(found.rest, cli);
  } catch (error) {
    if (isPopfwdError(error)) {
      const usage = error.code === 'ECONFIG' || error.code === 'EUSAGE';
      cli.stderr.write(
        `popfwd: ${error.message}${usage ? '' : ` [${error.code}: ${ERROR_CODES[error.code].summary}]`}\n`,
      );
      return usage ? EXIT.usage : EXIT.failed;
    }
    cli.stderr.write(
      `popfwd: unexpected error: ${errorMessage(error)}\n${(error as Error)?.stack ?? ''}\n`,
    );
    return EXIT.failed;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
};
