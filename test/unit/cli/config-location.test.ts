import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfigPath, locateConfig } from '../../../lambda/cli/config-location.js';
import type { CliIO } from '../../../lambda/cli/io.js';
import { isPopfwdError } from '../../../lambda/errors.js';

let root: string;

const io = (env: NodeJS.ProcessEnv, cwd = root): CliIO => ({
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  env,
  cwd,
  signal: new AbortController().signal,
});

const touch = async (path: string): Promise<string> => {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, 'mailbox: {}\n');
  return path;
};

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (isPopfwdError(error)) return error;
    throw error;
  }
  throw new Error('found a config');
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'popfwd-config-location-'));
});

describe('defaultConfigPath', () => {
  it('is $XDG_CONFIG_HOME/popfwd/config.yaml', () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/a' })).toBe(
      '/xdg/popfwd/config.yaml',
    );
  });

  it('is ~/.config/popfwd/config.yaml without XDG_CONFIG_HOME, or with a relative one', () => {
    expect(defaultConfigPath({ HOME: '/home/a' })).toBe('/home/a/.config/popfwd/config.yaml');
    expect(defaultConfigPath({ HOME: '/home/a', XDG_CONFIG_HOME: '' })).toBe(
      '/home/a/.config/popfwd/config.yaml',
    );
    expect(defaultConfigPath({ HOME: '/home/a', XDG_CONFIG_HOME: 'rel/dir' })).toBe(
      '/home/a/.config/popfwd/config.yaml',
    );
  });
});

describe('locateConfig: --config, else $POPFWD_CONFIG, else the default', () => {
  it('takes --config first, relative to the working directory', async () => {
    const flag = await touch(join(root, 'flag.yaml'));
    const env = await touch(join(root, 'env.yaml'));
    await touch(join(root, 'xdg/popfwd/config.yaml'));

    const found = await locateConfig(
      'flag.yaml',
      io({ POPFWD_CONFIG: env, XDG_CONFIG_HOME: join(root, 'xdg') }),
    );

    expect(found).toEqual({ path: flag, from: '--config' });
  });

  it('takes $POPFWD_CONFIG without --config', async () => {
    const env = await touch(join(root, 'env.yaml'));
    await touch(join(root, 'xdg/popfwd/config.yaml'));

    const found = await locateConfig(
      undefined,
      io({ POPFWD_CONFIG: 'env.yaml', XDG_CONFIG_HOME: join(root, 'xdg') }),
    );

    expect(found).toEqual({ path: env, from: '$POPFWD_CONFIG' });
  });

  it('takes $XDG_CONFIG_HOME/popfwd/config.yaml without either', async () => {
    const xdg = await touch(join(root, 'xdg/popfwd/config.yaml'));
    await touch(join(root, 'home/.config/popfwd/config.yaml'));

    const found = await locateConfig(
      undefined,
      io({ XDG_CONFIG_HOME: join(root, 'xdg'), HOME: join(root, 'home') }),
    );

    expect(found).toEqual({ path: xdg, from: 'default' });
  });

  it('takes ~/.config/popfwd/config.yaml without XDG_CONFIG_HOME', async () => {
    const home = await touch(join(root, 'home/.config/popfwd/config.yaml'));

    const found = await locateConfig(undefined, io({ HOME: join(root, 'home') }));

    expect(found).toEqual({ path: home, from: 'default' });
  });

  it('does not fall through when $POPFWD_CONFIG names a file that is not there', async () => {
    await touch(join(root, 'xdg/popfwd/config.yaml'));

    const error = await failure(
      locateConfig(
        undefined,
        io({ POPFWD_CONFIG: 'typo.yaml', XDG_CONFIG_HOME: join(root, 'xdg') }),
      ),
    );

    expect(error.code).toBe('ECONFIG');
    expect(error.message).toBe(
      `config ${join(root, 'typo.yaml')} (from $POPFWD_CONFIG): file not found`,
    );
  });

  it('says where it looked and how to start when there is no config', async () => {
    const error = await failure(
      locateConfig(undefined, io({ XDG_CONFIG_HOME: join(root, 'xdg') })),
    );

    expect(error.code).toBe('ECONFIG');
    const expected = join(root, 'xdg/popfwd/config.yaml');
    expect(error.message).toMatch(
      /^no config found; popfwd looked at:\n {2}--config FILE +not given\n {2}\$POPFWD_CONFIG +not set\n/,
    );
    expect(error.message).toContain(`  ${expected}  no such file\n`);
    expect(error.message).toContain('`popfwd sandbox`');
    expect(error.message).toContain(`to ${expected}, edit it`);
  });
});
