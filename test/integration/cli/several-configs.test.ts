/**
 * `popfwd run` and `watch` with several configs: two sandbox POP3 mailboxes, each with its own
 * store, run from one shell. One summary each, one exit code (the worst), and a mailbox that
 * fails never stops the others.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createWatchCommand } from '../../../lambda/cli/commands/watch.js';
import { captureIO, runCli } from '../../helpers/cli/cli.js';
import { freePort } from '../../helpers/free-port.js';
import { type Engine, mails, PASSWORD, useEngine } from '../engine/engine-fixture.js';

const MINUTE = 60_000;
const env = { POPFWD_PASSWORD: PASSWORD };

interface ConfigDocument {
  mailbox: { pop3: Record<string, unknown>; auth: Record<string, unknown> };
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A directory for the configs, apart from the mailboxes' stores. */
const configDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-configs-'));
  dirs.push(dir);
  return dir;
};

/** Writes a mailbox's config as `name` in `dir`, changed by `change`. */
const writeConfig = async (
  dir: string,
  name: string,
  mailbox: Engine,
  change: (document: ConfigDocument) => void = () => {},
): Promise<string> => {
  const document = mailbox.document() as unknown as ConfigDocument;
  change(document);
  const file = join(dir, name);
  await writeFile(file, name.endsWith('.json') ? JSON.stringify(document) : stringify(document));
  return file;
};

/** The password of this config is read from POPFWD_WRONG, which the server refuses. */
const wrongPassword = (document: ConfigDocument) => {
  document.mailbox.auth.password = { env: 'POPFWD_WRONG' };
};

const jsonLines = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('popfwd run with several configs', () => {
  const engine = useEngine();

  it('runs each mailbox, prints a header and a summary for each, and archives both', async () => {
    const a = await engine({ mailbox: mails(2, 'a') });
    const b = await engine({ mailbox: mails(3, 'b') });
    const dir = await configDir();
    await writeConfig(dir, 'a.yaml', a);
    await writeConfig(dir, 'b.yaml', b);

    const result = await runCli(['run', '--config', 'b.yaml', '-c', 'a.yaml'], dir, { env });

    expect(result.code).toBe(0);
    const headers = result.stdout.split('\n').filter((line) => line.startsWith('==> '));
    // In the order given, not sorted: the user chose it
    expect(headers).toEqual([
      '==> b.yaml: alice@example.test <==',
      '==> a.yaml: alice@example.test <==',
    ]);
    expect(result.stdout).toMatch(
      /b\.yaml[\s\S]*fetched 3 · archived 3[\s\S]*a\.yaml[\s\S]*archived 2/,
    );
    expect((await a.records()).map((record) => record.meta.uidl).sort()).toEqual([
      'a0001',
      'a0002',
    ]);
    expect(await b.records()).toHaveLength(3);
  });

  it('reads every *.yaml, *.yml and *.json of a directory, sorted, and prints one JSON line each', async () => {
    const a = await engine({ mailbox: mails(1, 'a') });
    const b = await engine({ mailbox: mails(2, 'b') });
    const c = await engine({ mailbox: mails(3, 'c') });
    const dir = await configDir();
    const accounts = join(dir, 'accounts');
    await mkdir(join(accounts, 'old.yaml'), { recursive: true });
    const files = [
      await writeConfig(accounts, '20-b.yml', b),
      await writeConfig(accounts, '10-a.yaml', a),
      await writeConfig(accounts, '30-c.json', c),
    ];
    // Not configs: another extension, a hidden file (an editor's), a directory named like one
    await writeFile(join(accounts, 'README.md'), '# accounts\n');
    await writeFile(join(accounts, '.10-a.yaml.swp'), 'not: [yaml');
    await writeFile(join(accounts, '.draft.yaml'), 'not: [yaml');

    const result = await runCli(['run', '--config', 'accounts', '--json'], dir, { env });

    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.map((line) => line.config)).toEqual([files[1], files[0], files[2]]);
    expect(lines).toMatchObject([
      { mailbox: 'alice@example.test', archived: 1, exitCode: 0 },
      { mailbox: 'alice@example.test', archived: 2, exitCode: 0 },
      { mailbox: 'alice@example.test', archived: 3, exitCode: 0 },
    ]);
    expect(await c.records()).toHaveLength(3);
  });

  it('$POPFWD_CONFIG may name a directory', async () => {
    const a = await engine({ mailbox: mails(1, 'a') });
    const b = await engine({ mailbox: mails(1, 'b') });
    const dir = await configDir();
    await writeConfig(dir, 'a.yaml', a);
    await writeConfig(dir, 'b.yaml', b);

    const result = await runCli(['run', '--json'], '/', {
      env: { ...env, POPFWD_CONFIG: dir },
    });

    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout).map((line) => line.archived)).toEqual([1, 1]);
  });

  it('a refused password (3) in the first mailbox does not stop the second, and is the exit code', async () => {
    const refused = await engine({ mailbox: mails(2, 'r') });
    const fine = await engine({ mailbox: mails(2, 'f') });
    const dir = await configDir();
    await writeConfig(dir, 'a-refused.yaml', refused, wrongPassword);
    await writeConfig(dir, 'b-fine.yaml', fine);

    const result = await runCli(['run', '--config', dir], dir, {
      env: { ...env, POPFWD_WRONG: 'revoked-Passw0rd' },
    });

    expect(result.code).toBe(3);
    // Each mailbox's report under its header: the error for one, the summary for the other
    expect(result.stdout).toMatch(
      /^==> a-refused\.yaml: alice@example\.test <==\n {2}run failed: .*\[EAUTH: the server rejected the credentials\]\n {2}sign-in refused: run `popfwd auth login`.*\n==> b-fine\.yaml: alice@example\.test <==\nalice@example\.test: done in .*\n {2}fetched 2 · archived 2/,
    );
    expect(result.stdout + result.stderr).not.toContain('revoked-Passw0rd');
    expect(await refused.records()).toHaveLength(0);
    expect(await fine.records()).toHaveLength(2);
  });

  it('--json: an error line for the failing mailbox, a summary line for the other; the worst code wins', async () => {
    const down = await engine({ mailbox: mails(1, 'd') });
    const refused = await engine({ mailbox: mails(1, 'r') });
    const fine = await engine({ mailbox: mails(1, 'f') });
    const closed = await freePort();
    const dir = await configDir();
    const files = [
      await writeConfig(dir, '1-down.yaml', down, (document) => {
        document.mailbox.pop3.port = closed;
      }),
      await writeConfig(dir, '2-refused.yaml', refused, wrongPassword),
      await writeConfig(dir, '3-fine.yaml', fine),
    ];

    const result = await runCli(['run', '-c', dir, '--json'], dir, {
      env: { ...env, POPFWD_WRONG: 'revoked-Passw0rd' },
    });

    // 4 (server down) and 3 (sign-in refused): 3 needs a person, so it is the one reported
    expect(result.code).toBe(3);
    expect(jsonLines(result.stdout)).toMatchObject([
      {
        config: files[0],
        mailbox: 'alice@example.test',
        error: { code: 'ECONNECTION' },
        exitCode: 4,
      },
      { config: files[1], error: { code: 'EAUTH' }, exitCode: 3 },
      { config: files[2], archived: 1, exitCode: 0 },
    ]);
    expect(result.stdout).not.toContain('revoked-Passw0rd');
  });

  it('a config that does not exist or does not parse fails alone (2), the others run', async () => {
    const fine = await engine({ mailbox: mails(1, 'f') });
    const dir = await configDir();
    await writeConfig(dir, 'fine.yaml', fine);
    await writeFile(join(dir, 'broken.yaml'), 'mailbox: [unclosed\n');

    const result = await runCli(
      ['run', '-c', 'missing.yaml', '-c', 'broken.yaml', '-c', 'fine.yaml'],
      dir,
      { env },
    );

    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      /==> missing\.yaml <==\n {2}run failed: config .*missing\.yaml: file not found/,
    );
    expect(result.stdout).toMatch(
      /==> broken\.yaml <==\n {2}run failed: .*broken\.yaml is invalid:\n {4}- line 2/,
    );
    expect(result.stdout).toMatch(/==> fine\.yaml: alice@example\.test <==\n.*done in/);
    expect(await fine.records()).toHaveLength(1);
  });

  it('-q: no headers and no summaries, but a failing mailbox is named on stderr', async () => {
    const refused = await engine({ mailbox: mails(1, 'r') });
    const fine = await engine({ mailbox: mails(1, 'f') });
    const dir = await configDir();
    await writeConfig(dir, 'a.yaml', refused, wrongPassword);
    await writeConfig(dir, 'b.yaml', fine);

    const result = await runCli(['run', '-q', '-c', 'a.yaml', '-c', 'b.yaml'], dir, {
      env: { ...env, POPFWD_WRONG: 'revoked-Passw0rd' },
    });

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^popfwd: a\.yaml: run failed: .*\[EAUTH: /m);
    expect(result.stderr).not.toContain('b.yaml');
    expect(await fine.records()).toHaveLength(1);
  });

  it('Ctrl-C in one mailbox ends the command (130): what was done is saved, the next ones do not start', async () => {
    const controller = new AbortController();
    const first = await engine({
      mailbox: mails(3, 'a'),
      faults: {
        onCommand: (command) => {
          if (command.name === 'RETR' && command.args[0] === '2') controller.abort();
          return undefined;
        },
      },
    });
    const second = await engine({ mailbox: mails(1, 'b') });
    const dir = await configDir();
    await writeConfig(dir, 'a.yaml', first, (document) => {
      document.mailbox.pop3.pipelining = 'off';
    });
    await writeConfig(dir, 'b.yaml', second);

    const result = await runCli(['run', '-c', dir, '--json'], dir, {
      env,
      signal: controller.signal,
    });

    expect(result.code).toBe(130);
    expect(jsonLines(result.stdout)).toMatchObject([{ stoppedBy: 'aborted', exitCode: 130 }]);
    expect(result.stderr).toContain('popfwd: interrupted; not run: b.yaml');
    expect(second.server.connections).toBe(0);
  });

  it('--dry-run with several configs: one report each, nothing changed', async () => {
    const a = await engine({ mailbox: mails(2, 'a') });
    const b = await engine({ mailbox: mails(1, 'b') });
    const dir = await configDir();
    const files = [await writeConfig(dir, 'a.yaml', a), await writeConfig(dir, 'b.yaml', b)];

    const result = await runCli(['run', '--dry-run', '-c', dir, '--json'], dir, { env });

    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toMatchObject([
      { config: files[0], listed: 2, exitCode: 0 },
      { config: files[1], listed: 1, exitCode: 0 },
    ]);
    expect(await a.records()).toHaveLength(0);
    expect(await b.records()).toHaveLength(0);
  });

  it('runs a config named twice once', async () => {
    const a = await engine({ mailbox: mails(1, 'a') });
    const dir = await configDir();
    await writeConfig(dir, 'a.yaml', a);
    await writeFile(join(dir, 'notes.txt'), 'not a config');

    const result = await runCli(['run', '-c', 'a.yaml', '-c', dir, '--json'], dir, { env });

    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toHaveLength(1);
    expect(a.server.connections).toBe(1);
  });

  it('an empty directory is a config error (2) that says what it looks for', async () => {
    const dir = await configDir();

    const result = await runCli(['run', '--config', dir], dir, { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a directory without a config');
    expect(result.stderr).toContain('*.yaml, *.yml and *.json');
  });

  it('one config file keeps the one-mailbox --json output: the summary alone, no config or exitCode', async () => {
    const a = await engine({ mailbox: mails(1, 'a') });
    const dir = await configDir();
    await writeConfig(dir, 'a.yaml', a);

    const result = await runCli(['run', '-c', 'a.yaml', '--json'], dir, { env });

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(2);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(summary)).not.toContain('config');
    expect(Object.keys(summary)).not.toContain('exitCode');
    expect(result.stdout).toBe(`${JSON.stringify(summary)}\n`);
    expect(Object.keys(summary)[0]).toBe('fetched');
  });

  it('other commands refuse a directory and say which command takes one', async () => {
    const dir = await configDir();

    const result = await runCli(['status'], dir, { env: { POPFWD_CONFIG: dir } });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a directory: only `popfwd run` and `watch`');
  });
});

/** `popfwd watch` over a directory with a fake clock: each pause moves it on, `stopAfter` pauses. */
const watch = async (
  dir: string,
  options: { stopAfter: number; env?: NodeJS.ProcessEnv; args?: readonly string[] },
) => {
  const waits: number[] = [];
  const controller = new AbortController();
  const sleep = async (ms: number) => {
    waits.push(ms);
    if (waits.length >= options.stopAfter) controller.abort();
  };
  const { io, stdout, stderr } = captureIO(dir, {
    env: options.env ?? env,
    signal: controller.signal,
  });
  const code = await createWatchCommand({ sleep, now: () => new Date(0) }).run(
    ['--config', dir, '--every', '5m', ...(options.args ?? ['--json'])],
    io,
  );
  return { code, waits, stdout: stdout(), stderr: stderr() };
};

describe('popfwd watch with several configs', () => {
  const engine = useEngine();

  it('stops polling the mailbox with a permanent error and keeps polling the other', async () => {
    const refused = await engine({ mailbox: mails(1, 'r') });
    const fine = await engine({ mailbox: mails(1, 'f') });
    const dir = await configDir();
    await writeConfig(dir, 'a-refused.yaml', refused, wrongPassword);
    const fineFile = await writeConfig(dir, 'b-fine.yaml', fine);

    const result = await watch(dir, {
      stopAfter: 4,
      env: { ...env, POPFWD_WRONG: 'revoked-Passw0rd' },
    });

    expect(result.code).toBe(130);
    expect(result.waits.map((ms) => ms / MINUTE)).toEqual([5, 5, 5, 5]);
    expect(refused.server.connections).toBe(1);
    // Polls at 0, 5, 10 and 15 min; Ctrl-C during the fourth pause
    expect(fine.server.connections).toBe(4);
    expect(result.stderr).toContain(
      'a-refused.yaml: stopped polling this mailbox: this error comes back on every poll until it is fixed (exit code 3); 1 mailbox(es) still watched',
    );
    const lines = jsonLines(result.stdout);
    expect(lines.filter((line) => 'error' in line)).toMatchObject([
      { error: { code: 'EAUTH' }, exitCode: 3 },
    ]);
    const polls = lines.filter((line) => !('error' in line));
    expect(polls).toHaveLength(4);
    expect(polls.every((line) => line.config === fineFile)).toBe(true);
    expect(polls.map((line) => line.archived)).toEqual([1, 0, 0, 0]);
  });

  it('exits with the worst permanent code once no mailbox is left, without waiting', async () => {
    const refused = await engine({ mailbox: mails(1, 'r') });
    const unset = await engine({ mailbox: mails(1, 'u') });
    const dir = await configDir();
    await writeConfig(dir, 'a-refused.yaml', refused, wrongPassword);
    await writeConfig(dir, 'b-unset.yaml', unset, (document) => {
      document.mailbox.auth.password = { env: 'POPFWD_UNSET' };
    });

    const result = await watch(dir, {
      stopAfter: 3,
      env: { ...env, POPFWD_WRONG: 'revoked-Passw0rd' },
    });

    // 3 (sign-in refused) and 2 (the password variable unset): 2
    expect(result.code).toBe(2);
    expect(result.waits).toEqual([]);
    expect(unset.server.connections).toBe(0);
    expect(result.stderr).toContain('0 mailbox(es) still watched');
  });

  it('names each mailbox in its lines; a config invalid from the start stops only its mailbox', async () => {
    const fine = await engine({ mailbox: mails(1, 'f') });
    const dir = await configDir();
    await writeFile(join(dir, 'a-broken.yaml'), 'mailbox: [unclosed\n');
    await writeConfig(dir, 'b-fine.yaml', fine);

    const result = await watch(dir, { stopAfter: 2, args: [] });

    expect(result.code).toBe(130);
    const stamp = /^\S+ /;
    const err = result.stderr.trimEnd().split('\n');
    expect(err[0]).toMatch(stamp);
    expect(err[0]?.replace(stamp, '')).toBe(
      'watching 2 mailboxes every 5m (Ctrl-C to stop): a-broken.yaml, b-fine.yaml',
    );
    expect(result.stderr).toMatch(/ a-broken\.yaml: run failed: .*a-broken\.yaml is invalid:/);
    expect(result.stderr).toContain(
      'a-broken.yaml: stopped polling this mailbox: this error comes back on every poll until it is fixed (exit code 2); 1 mailbox(es) still watched',
    );
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.replace(stamp, '').replace(/\(\d+(\.\d+)? \w+\)$/, '(…)')),
    ).toEqual([
      'b-fine.yaml: alice@example.test: fetched 1 · archived 1 (…)',
      'b-fine.yaml: alice@example.test: nothing new (…)',
    ]);
  });

  it('backs off per mailbox: a server that is down slows its own polls, not the others', async () => {
    const down = await engine({ mailbox: mails(1, 'd') });
    const fine = await engine({ mailbox: mails(1, 'f') });
    const closed = await freePort();
    const dir = await configDir();
    await writeConfig(dir, 'a-down.yaml', down, (document) => {
      document.mailbox.pop3.port = closed;
    });
    await writeConfig(dir, 'b-fine.yaml', fine);

    const result = await watch(dir, { stopAfter: 6 });

    // Polls at 0, 5, 10, 15, 20, 25 min; the one that is down at 0, 5 (+5), 15 (+10), next at 35
    expect(result.code).toBe(130);
    expect(result.waits.map((ms) => ms / MINUTE)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(fine.server.connections).toBe(6);
    expect(result.stderr.match(/a-down\.yaml: run failed: .*\[ECONNECTION: /g)).toHaveLength(3);
    expect(result.stderr).toContain('a-down.yaml: 3 failed poll(s) in a row; the next in 20 min');
    expect(result.stderr).not.toContain('b-fine.yaml: run failed');
  });
});
