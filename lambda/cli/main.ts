import { ERROR_CODES, errorMessage, isPopfwdError } from '../errors.js';
import { COMMAND_SPECS, type CommandKey, type CommandSpec, commandHelp } from './command-specs.js';
import { type CliIO, type Command, EXIT, processIO } from './io.js';

/** Each command's implementation, imported when it runs: `popfwd --help` loads none of them. */
const LOADERS: Readonly<Record<CommandKey, () => Promise<Command>>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  configCheck: async () => (await import('./commands/config-check.js')).configCheckCommand,
  rulesTest: async () => (await import('./commands/rules-test.js')).rulesTestCommand,
  archiveList: async () => (await import('./commands/archive-list.js')).archiveListCommand,
  authLogin: async () => {
    const [{ createAuthLoginCommand }, { verifyMailboxLogin }] = await Promise.all([
      import('./commands/auth-login.js'),
      import('../auth/verify-mailbox-login.js'),
    ]);
    return createAuthLoginCommand({ verifyLogin: verifyMailboxLogin });
  },
};

const SPECS = Object.entries(COMMAND_SPECS) as Array<[CommandKey, CommandSpec]>;

const help = (): string =>
  [
    'popfwd — archive, forward and auto-reply for a Hotmail / Outlook.com (or any POP3) mailbox',
    '',
    'usage: popfwd <command> [options]',
    '',
    ...SPECS.map(([, spec]) => `  ${spec.usage.padEnd(52)} ${spec.summary}`),
    '',
    'Exit codes: 0 ok, 1 run failed, 2 bad usage or bad config.',
    'Docs: README.md (Outlook.com setup, config, deploy).',
    '',
  ].join('\n');

const findCommand = (
  argv: readonly string[],
): { key: CommandKey; spec: CommandSpec; rest: readonly string[] } | null => {
  for (const [key, spec] of [...SPECS].sort(([, a], [, b]) => b.name.length - a.name.length)) {
    if (spec.name.every((word, index) => argv[index] === word)) {
      return { key, spec, rest: argv.slice(spec.name.length) };
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
      cli.stdout.write(commandHelp(found.spec));
      return EXIT.ok;
    }
    const command = await LOADERS[found.key]();
    return await command.run(found.rest, cli);
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
