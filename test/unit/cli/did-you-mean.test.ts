import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { suggestCommand } from '../../../lambda/cli/command-suggestion.js';
import { configSchema } from '../../../lambda/config/config-schema.js';
import { knownKeys } from '../../../lambda/config/known-keys.js';
import { closest, editDistance } from '../../../lambda/did-you-mean.js';
import { runCli } from '../../helpers/cli/cli.js';

describe('editDistance', () => {
  it.each([
    ['run', 'run', 0],
    ['rnu', 'run', 1],
    ['form', 'from', 1],
    ['confg', 'config', 1],
    ['securty', 'security', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closest', () => {
  it('finds the near candidate, ignoring case', () => {
    expect(closest('maxmessagesperrun', ['maxBytesPerRun', 'maxMessagesPerRun'])).toBe(
      'maxMessagesPerRun',
    );
    expect(closest('retension', ['retention', 'auth'])).toBe('retention');
  });

  it('suggests nothing for a word unlike every candidate', () => {
    expect(closest('xyz', ['run', 'watch', 'tag'])).toBeUndefined();
    expect(closest('bucket', ['dir', 's3'])).toBeUndefined();
    expect(closest('a', [])).toBeUndefined();
  });

  it('prefers the nearer of two candidates, whatever their order', () => {
    expect(closest('runn', ['running', 'run'])).toBe('run');
    expect(closest('runnin', ['run', 'running'])).toBe('running');
  });
});

describe('suggestCommand', () => {
  it.each([
    [['rnu'], 'run'],
    [['wacth'], 'watch'],
    [['sandbx'], 'sandbox'],
    [['config', 'chek'], 'config check'],
    [['confg', 'check'], 'config check'],
    [['confg'], 'config'],
    [['archiv', 'lst'], 'archive list'],
    [['check'], 'config check'],
    [['login'], 'auth login'],
  ])('%j → %j', (words, expected) => {
    expect(suggestCommand(words)).toBe(expected);
  });

  it('suggests nothing when nothing is close', () => {
    expect(suggestCommand(['deploy'])).toBeUndefined();
    expect(suggestCommand(['config', 'delete'])).toBeUndefined();
  });
});

describe('popfwd with a mistyped command, option or config key', () => {
  it('names the command it probably meant and exits 2', async () => {
    const result = await runCli(['config', 'chek', '--config', 'x.yaml'], process.cwd());

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'popfwd: unknown command "config chek"; did you mean "config check"?\n`popfwd --help` lists the commands.\n',
    });
  });

  it('names the option it probably meant, with the usage, and exits 2', async () => {
    const result = await runCli(['watch', '--evry', '5m'], process.cwd());

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'popfwd: unknown option --evry; did you mean "--every"?\nusage: popfwd watch [--config FILE|DIR]… [--every DURATION] [--deadline DURATION] [--json]\n',
    );
  });

  it('names the field a mistyped config key probably meant, at any depth', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'popfwd-dym-'));
    const file = join(dir, 'typos.yaml');
    await writeFile(
      file,
      [
        'mailbox:',
        '  address: alice@example.test',
        '  pop3: { host: pop.example.test, securty: tls }',
        '  auth: { method: oauth2, clientId: 0123456789ab, refreshtoken: { file: ./token } }',
        '  retension: keep',
        'limit: { maxMessagesPerRun: 5 }',
        'store: { dir: ./data, buckt: x }',
        'rules:',
        '  - { name: a, when: { any: [ { subjet: hello } ] }, then: [ stop ] }',
      ].join('\n'),
    );

    // Act
    const result = await runCli(['config', 'check', '--config', file], dir);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '  - mailbox.pop3.securty: unknown field; did you mean "security"?\n',
    );
    expect(result.stderr).toContain(
      '  - mailbox.auth.refreshtoken: unknown field; did you mean "refreshToken"?\n',
    );
    expect(result.stderr).toContain(
      '  - mailbox.retension: unknown field; did you mean "retention"?\n',
    );
    expect(result.stderr).toContain('  - limit: unknown field; did you mean "limits"?\n');
    expect(result.stderr).toContain('  - store.buckt: unknown field\n');
    expect(result.stderr).toContain(
      '  - rules[0] "a".when.any[0].subjet: unknown field; did you mean "subject"?\n',
    );
  });
});

describe('knownKeys', () => {
  it('opens optional fields, defaults, pipes, unions and lazy schemas', () => {
    expect(knownKeys(configSchema, [])).toEqual([
      'mailbox',
      'store',
      'limits',
      'rules',
      'vacation',
    ]);
    expect(knownKeys(configSchema, ['mailbox', 'pop3'])).toEqual([
      'host',
      'port',
      'security',
      'pipelining',
    ]);
    expect(knownKeys(configSchema, ['mailbox', 'auth'])).toEqual(
      expect.arrayContaining(['method', 'password', 'clientId', 'refreshToken']),
    );
    expect(knownKeys(configSchema, ['store'])).toEqual(['dir', 's3']);
    expect(knownKeys(configSchema, ['rules', 3, 'when', 'not', 'all', 0])).toContain('subject');
  });

  it('knows nothing where the schema does not say', () => {
    expect(knownKeys(configSchema, ['mailbox', 'address'])).toEqual([]);
    expect(knownKeys(configSchema, ['nowhere', 'at', 'all'])).toEqual([]);
  });
});
