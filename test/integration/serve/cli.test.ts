import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../../lambda/cli/io.js';
import { main } from '../../../lambda/cli/main.js';
import { NO_CONFIG_HOME, runCli } from '../../helpers/cli/cli.js';
import { send } from './http-client.js';
import { corpus, OWNER } from './serve-corpus.js';
import { type Archive, archiveMail } from './serve-fixture.js';

/** `popfwd archive serve` as a user runs it: a config file, a URL on stdout, Ctrl-C. */

let archive: Archive;
let config: string;

beforeAll(async () => {
  archive = await archiveMail(corpus('http://remote.invalid'));
  config = join(archive.dir, 'popfwd.yaml');
  await writeFile(
    config,
    [
      'mailbox:',
      `  address: ${OWNER}`,
      '  pop3: { host: pop.example.test, port: 995, security: tls }',
      '  auth: { method: password, password: { env: POPFWD_PASSWORD } }',
      `store: { dir: ${archive.dir} }`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await archive?.remove();
});

/** Runs the command in-process until `stop` is called; resolves its first stdout line first. */
const serve = (args: readonly string[]) => {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  let announced: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    announced = resolve;
  });
  const sink = (write: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        write(String(chunk));
        done();
      },
    });
  const io: CliIO = {
    stdout: sink((text) => {
      stdout += text;
      if (stdout.includes('\n')) announced(stdout.split('\n')[0] ?? '');
    }),
    stderr: sink((text) => {
      stderr += text;
    }),
    env: { XDG_CONFIG_HOME: NO_CONFIG_HOME },
    cwd: archive.dir,
    signal: controller.signal,
  };
  const exit = main(['archive', 'serve', '--config', config, ...args], io);
  return {
    url: Promise.race([
      url,
      exit.then((code) => Promise.reject(new Error(`exited ${code}: ${stderr}`))),
    ]),
    stop: async () => {
      controller.abort();
      return { code: await exit, stdout, stderr };
    },
  };
};

describe('popfwd archive serve', () => {
  it('prints one URL with the token, serves the archive, and exits 130 on Ctrl-C', async () => {
    // Act
    const running = serve([]);
    const url = await running.url;
    const info = await send(`${url}api/info`);
    const { code, stdout, stderr } = await running.stop();
    // Assess
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}\/$/);
    expect(stdout).toBe(`${url}\n`);
    expect(info.json()).toMatchObject({ mailbox: OWNER, messages: 5 });
    expect(code).toBe(130);
    const token = new URL(url).pathname.slice(1, -1);
    expect(stderr).not.toContain(token);
    expect(stderr).toContain('serving 5 archived messages of alice@example.test');
    await expect(send(`${url}api/info`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('listens on the port it is given', async () => {
    // Prepare: a port that was free a moment ago
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    // Act
    const running = serve(['--port', String(port)]);
    const url = await running.url;
    await running.stop();
    // Assess
    expect(new URL(url).port).toBe(String(port));
  });

  it.each([
    [['--host', '0.0.0.0'], 'listens on loopback only (127.0.0.1 or ::1), not "0.0.0.0"'],
    [['--host', '192.168.1.2'], 'listens on loopback only'],
    [['--port', '70000'], '--port: a port number from 0 to 65535, not "70000"'],
    [['--port', 'http'], '--port: a port number from 0 to 65535, not "http"'],
  ])('refuses %j with exit code 2, saying why', async (args, message) => {
    // Act
    const result = await runCli(['archive', 'serve', '--config', config, ...args], archive.dir);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('refuses a port that is taken with exit code 2', async () => {
    // Prepare
    const running = serve([]);
    const taken = new URL(await running.url).port;
    // Act
    const result = await runCli(
      ['archive', 'serve', '--config', config, '--port', taken],
      archive.dir,
    );
    await running.stop();
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${taken}: EADDRINUSE`);
  });

  it('is listed in the help of the archive group', async () => {
    // Act
    const help = await runCli(['archive', '--help'], archive.dir);
    // Assess
    expect(help.stdout).toContain('serve');
    expect(help.stdout).toContain('read and search the archive in a web page');
  });
});
