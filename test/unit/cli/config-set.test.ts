import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../../lambda/cli/args.js';
import { COMMAND_SPECS, usageOf } from '../../../lambda/cli/command-specs.js';
import { configLabel, locateConfigs } from '../../../lambda/cli/config-set.js';
import type { CliIO } from '../../../lambda/cli/io.js';
import { isPopfwdError } from '../../../lambda/errors.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const scratch = async (files: readonly string[] = []): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-config-set-'));
  dirs.push(dir);
  for (const file of files) {
    if (file.endsWith('/')) await mkdir(join(dir, file), { recursive: true });
    else await writeFile(join(dir, file), 'x: 1\n');
  }
  return dir;
};

const io = (cwd: string, env: NodeJS.ProcessEnv = {}): CliIO =>
  ({ cwd, env: { XDG_CONFIG_HOME: '/nonexistent/xdg', ...env } }) as unknown as CliIO;

describe('--config on run and watch', () => {
  it('may be given several times, in order; other commands still refuse it twice', () => {
    const { values } = parseCommandArgs(COMMAND_SPECS.run, ['-c', 'b.yaml', '--config', 'a.yaml']);
    expect(values.config).toEqual(['b.yaml', 'a.yaml']);
    expect(parseCommandArgs(COMMAND_SPECS.watch, []).values.config).toEqual([]);
    expect(() => parseCommandArgs(COMMAND_SPECS.status, ['-c', 'a', '-c', 'b'])).toThrow(
      '--config is given twice',
    );
    expect(() => parseCommandArgs(COMMAND_SPECS.run, ['--config'])).toThrow(
      '--config needs a value',
    );
  });

  it('shows as repeatable in the usage line', () => {
    expect(usageOf(COMMAND_SPECS.run)).toMatch(/^run \[--config FILE\|DIR\]… /);
    expect(usageOf(COMMAND_SPECS.status)).toMatch(/^status \[--config FILE\] /);
  });
});

describe('locateConfigs', () => {
  it('one file: one config, the one-mailbox output', async () => {
    const dir = await scratch(['a.yaml']);
    expect(await locateConfigs(['a.yaml'], io(dir))).toEqual({
      locations: [{ path: join(dir, 'a.yaml'), from: '--config' }],
      several: false,
    });
  });

  it('a directory: its *.yaml, *.yml, *.json (any case) sorted by bytes, nothing else', async () => {
    const dir = await scratch([
      'b.yml',
      'B.JSON',
      'a.yaml',
      'notes.txt',
      'a.yaml~',
      '.hidden.yaml',
      'sub.yaml/',
      'sub.yaml/inner.yaml',
    ]);
    const { locations, several } = await locateConfigs([dir], io('/'));
    expect(several).toBe(true);
    expect(locations.map(({ path }) => path)).toEqual(
      ['B.JSON', 'a.yaml', 'b.yml'].map((name) => join(dir, name)),
    );
  });

  it('several flags keep their order; a config named twice (also through its directory) once', async () => {
    const dir = await scratch(['a.yaml', 'b.yaml']);
    const { locations } = await locateConfigs(['b.yaml', dir, './a.yaml'], io(dir));
    expect(locations.map(({ path }) => path)).toEqual([join(dir, 'b.yaml'), join(dir, 'a.yaml')]);
  });

  it('a directory of one config still gives the several-mailbox output', async () => {
    const dir = await scratch(['only.yaml']);
    expect((await locateConfigs([dir], io('/'))).several).toBe(true);
  });

  it('$POPFWD_CONFIG: a directory too, named as the source', async () => {
    const dir = await scratch(['x.json']);
    const { locations } = await locateConfigs([], io('/', { POPFWD_CONFIG: dir }));
    expect(locations).toEqual([{ path: join(dir, 'x.json'), from: '$POPFWD_CONFIG' }]);
  });

  it('skips what is not a regular file: a FIFO named like a config would block the run', async () => {
    const dir = await scratch(['a.yaml']);
    execFileSync('mkfifo', [join(dir, 'b.yaml')]);
    await symlink(join(dir, 'a.yaml'), join(dir, 'c.yaml'));
    await symlink(join(dir, 'gone.yaml'), join(dir, 'd.yaml'));
    const { locations } = await locateConfigs([dir], io('/'));
    expect(locations.map(({ path }) => path)).toEqual([join(dir, 'a.yaml'), join(dir, 'c.yaml')]);
  });

  it('an empty directory is ECONFIG', async () => {
    const dir = await scratch(['notes.txt']);
    const error = await locateConfigs([dir], io('/')).catch((caught: unknown) => caught);
    expect(isPopfwdError(error) && error.code).toBe('ECONFIG');
  });

  it('a file that does not exist is left for its run to report', async () => {
    const dir = await scratch(['a.yaml']);
    const { locations } = await locateConfigs(['gone.yaml', 'a.yaml'], io(dir));
    expect(locations.map(({ path }) => path)).toEqual([
      join(dir, 'gone.yaml'),
      join(dir, 'a.yaml'),
    ]);
  });
});

describe('configLabel', () => {
  it('relative inside the working directory, absolute outside', () => {
    expect(configLabel('/home/a/cfg/x.yaml', '/home/a')).toBe('cfg/x.yaml');
    expect(configLabel('/etc/popfwd/x.yaml', '/home/a')).toBe('/etc/popfwd/x.yaml');
    expect(configLabel('/home/ab/x.yaml', '/home/a')).toBe('/home/ab/x.yaml');
    expect(configLabel('/home/a/..cfg/x.yaml', '/home/a')).toBe('..cfg/x.yaml');
  });

  it('shows control characters as ?: a file name cannot forge a header or a line', () => {
    expect(configLabel('/c/x\n==> evil <==\r\x1b[2J.yaml', '/c')).toBe('x?==> evil <==??[2J.yaml');
  });
});
