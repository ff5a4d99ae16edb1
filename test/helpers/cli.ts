import { Writable } from 'node:stream';
import type { CliIO } from '../../lambda/cli/io.js';
import { main } from '../../lambda/cli/main.js';

const sink = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
};

/** Runs `popfwd …` in-process with captured output. */
export const runCli = async (
  argv: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> => {
  const stdout = sink();
  const stderr = sink();
  const io: CliIO = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    cwd,
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
};
