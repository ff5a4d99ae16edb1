import { Writable } from 'node:stream';
import type { CliIO } from '../../../lambda/cli/io.js';
import { main } from '../../../lambda/cli/main.js';

const sink = (tty: boolean) => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  // What a terminal looks like to the CLI (progress bar on stderr)
  const terminal = tty ? Object.assign(stream, { isTTY: true, columns: 100 }) : stream;
  return { stream: terminal, text: () => chunks.join('') };
};

/**
 * Where the CLI looks for a config when none is named: nowhere that exists, so a test never reads
 * the config of whoever runs it (~/.config/popfwd/config.yaml).
 */
export const NO_CONFIG_HOME = '/nonexistent/popfwd-test-config-home';

export interface RunCliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** stderr claims to be a terminal. */
  readonly tty?: boolean;
}

/** What a command may touch of its process, in memory: the test reads its output back. */
export const captureIO = (
  cwd: string,
  options: RunCliOptions = {},
): { io: CliIO; stdout: () => string; stderr: () => string } => {
  const stdout = sink(false);
  const stderr = sink(options.tty ?? false);
  const io: CliIO = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { XDG_CONFIG_HOME: NO_CONFIG_HOME, ...options.env },
    cwd,
    signal: options.signal ?? new AbortController().signal,
  };
  return { io, stdout: stdout.text, stderr: stderr.text };
};

/** Runs `popfwd …` in-process, as bin/popfwd.js runs it, with captured output. */
export const runCli = async (
  argv: readonly string[],
  cwd: string,
  options: RunCliOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> => {
  const { io, stdout, stderr } = captureIO(cwd, options);
  const code = await main(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
};
