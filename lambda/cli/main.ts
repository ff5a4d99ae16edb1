import { ERROR_CODES, errorMessage, isPopfwdError } from '../errors.js';
import { type CommandKey, type CommandSpec, GROUPS, SPECS } from './command-specs.js';
import { suggestCommand } from './command-suggestion.js';
import { EXIT, type ExitCode, exitCodeFor, exitHint } from './exit-codes.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import { type CliIO, type Command, processIO } from './io.js';
import { packageInfo } from './package-info.js';

/** Each command's implementation, imported when it runs: `popfwd --help` loads none of them. */
const LOADERS: Readonly<Record<CommandKey, () => Promise<Command>>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  resend: async () => (await import('./commands/resend.js')).resendCommand,
  sandbox: async () => (await import('./commands/sandbox.js')).sandboxCommand,
  configCheck: async () => (await import('./commands/config-check.js')).configCheckCommand,
  rulesTest: async () => (await import('./commands/rules-test.js')).rulesTestCommand,
  archiveList: async () => (await import('./commands/archive-list.js')).archiveListCommand,
  archiveServe: async () => (await import('./commands/archive-serve.js')).archiveServeCommand,
  authLogin: async () => {
    const [{ createAuthLoginCommand }, { verifyMailboxLogin }] = await Promise.all([
      import('./commands/auth-login.js'),
      import('../auth/verify-mailbox-login.js'),
    ]);
    return createAuthLoginCommand({ verifyLogin: verifyMailboxLogin });
  },
};

/** -q and -v may also come before the command: `popfwd -v run`. */
const LEADING_FLAGS = new Set(['-q', '--quiet', '-v', '--verbose']);

type Target =
  | { readonly kind: 'command'; readonly key: CommandKey; readonly spec: CommandSpec }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'unknown'; readonly words: readonly string[] };

/** What the words name, and how many of them it took. */
const resolveTarget = (argv: readonly string[]): { target: Target; used: number } => {
  for (const [key, spec] of [...SPECS].sort(([, a], [, b]) => b.name.length - a.name.length)) {
    if (spec.name.every((word, index) => argv[index] === word)) {
      return { target: { kind: 'command', key, spec }, used: spec.name.length };
    }
  }
  const [first = '', second] = argv;
  if (Object.hasOwn(GROUPS, first)) {
    const known = second === undefined || second.startsWith('-');
    return known
      ? { target: { kind: 'group', group: first }, used: 1 }
      : { target: { kind: 'unknown', words: [first, second] }, used: 2 };
  }
  const words = second === undefined || second.startsWith('-') ? [first] : [first, second];
  return { target: { kind: 'unknown', words }, used: 1 };
};

const unknown = (words: readonly string[], cli: CliIO): number => {
  const suggestion = suggestCommand(words);
  // `popfwd rnu x`: only the first word is the unknown command, unless it was meant for a group.
  const shown = suggestion?.includes(' ') ? words : words.slice(0, 1);
  cli.stderr.write(
    `popfwd: unknown command "${shown.join(' ')}"${suggestion ? `; did you mean "${suggestion}"?` : ''}\n` +
      '`popfwd --help` lists the commands.\n',
  );
  return EXIT.usage;
};

const asksFor = (args: readonly string[], ...flags: string[]): boolean => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => flags.includes(arg));
};

/** `popfwd help`, `popfwd help run`, `popfwd help config`, `popfwd help config check`. */
const help = (words: readonly string[], cli: CliIO): number => {
  if (words.length === 0 || (words.length === 1 && words[0] === 'help')) {
    cli.stdout.write(mainHelp(packageInfo().version));
    return EXIT.ok;
  }
  const { target } = resolveTarget(words);
  if (target.kind === 'unknown') return unknown(target.words, cli);
  cli.stdout.write(target.kind === 'group' ? groupHelp(target.group) : commandHelp(target.spec));
  return EXIT.ok;
};

const dispatch = async (argv: readonly string[], cli: CliIO): Promise<number> => {
  let start = 0;
  while (start < argv.length && LEADING_FLAGS.has(argv[start] as string)) start += 1;
  const leading = argv.slice(0, start);
  const words = argv.slice(start);
  const [first] = words;
  if (first === undefined) {
    cli.stdout.write(mainHelp(packageInfo().version));
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h') return help([], cli);
  if (first === '--version') {
    cli.stdout.write(`popfwd ${packageInfo().version}\n`);
    return EXIT.ok;
  }
  if (first === 'help') return help(words.slice(1), cli);
  const { target, used } = resolveTarget(words);
  const rest = [...leading, ...words.slice(used)];
  if (target.kind === 'unknown') return unknown(target.words, cli);
  if (asksFor(rest, '--help', '-h')) {
    cli.stdout.write(target.kind === 'group' ? groupHelp(target.group) : commandHelp(target.spec));
    return EXIT.ok;
  }
  if (asksFor(rest, '--version')) {
    cli.stdout.write(`popfwd ${packageInfo().version}\n`);
    return EXIT.ok;
  }
  if (target.kind === 'group') {
    cli.stderr.write(groupHelp(target.group));
    return EXIT.usage;
  }
  const command = await LOADERS[target.key]();
  return command.run(rest, cli);
};

/** The error for people: its message, its code unless it is about usage or config, the fix. */
const report = (error: unknown, code: ExitCode, verbose: boolean, cli: CliIO): void => {
  if (!isPopfwdError(error)) {
    cli.stderr.write(
      `popfwd: unexpected error: ${errorMessage(error)}\n${(error as Error)?.stack ?? ''}\n`,
    );
    return;
  }
  // A usage or config message names the fix itself; the code would only add noise.
  const plain = error.code === 'ECONFIG' || error.code === 'EUSAGE';
  cli.stderr.write(
    `popfwd: ${error.message}${plain ? '' : ` [${error.code}: ${ERROR_CODES[error.code].summary}]`}\n`,
  );
  const hint = exitHint(code);
  if (hint) cli.stderr.write(`${hint}\n`);
  if (!verbose) return;
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    cli.stderr.write(`  caused by: ${errorMessage(cause)}\n`);
    cause = (cause as Error | null)?.cause;
  }
};

/** Runs one command and returns the exit code (exit-codes.ts); never throws. */
export const main = async (argv: readonly string[], io?: CliIO): Promise<number> => {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const cli = io ?? processIO(controller.signal);
  if (!io) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  try {
    return await dispatch(argv, cli);
  } catch (error) {
    const code = exitCodeFor({ error, interrupted: cli.signal.aborted });
    report(error, code, asksFor(argv, '-v', '--verbose'), cli);
    return code;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
};
