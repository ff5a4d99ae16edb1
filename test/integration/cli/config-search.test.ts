import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../helpers/cli/cli.js';
import { type Engine, mails, PASSWORD, useEngine } from '../engine/engine-fixture.js';

const write = async (path: string, document: unknown): Promise<string> => {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, stringify(document));
  return path;
};

/** The same mailbox under another address: a run with it archives nothing of the real one. */
const elsewhere = (mailbox: Engine) => {
  const document = mailbox.document() as { mailbox: Record<string, unknown> };
  return { ...document, mailbox: { ...document.mailbox, address: 'nobody@example.test' } };
};

describe('popfwd run finds its config: --config, $POPFWD_CONFIG, $XDG_CONFIG_HOME', () => {
  const engine = useEngine();

  it('exits 2 without a config, says where it looked, and creates nothing', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(1) });
    const xdg = join(mailbox.dir, 'xdg');

    // Act
    const result = await runCli(['run'], mailbox.dir, { env: { XDG_CONFIG_HOME: xdg } });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no config found; popfwd looked at:');
    expect(result.stderr).toContain(`${join(xdg, 'popfwd', 'config.yaml')}  no such file`);
    expect(result.stderr).toContain('`popfwd sandbox`');
    expect(existsSync(join(mailbox.dir, 'popfwd-sandbox'))).toBe(false);
    expect(await readdir(mailbox.dir)).toEqual([]);
    expect(mailbox.server.connections).toBe(0);
  });

  it('reads $XDG_CONFIG_HOME/popfwd/config.yaml', async () => {
    const mailbox = await engine({ mailbox: mails(2) });
    const xdg = join(mailbox.dir, 'xdg');
    await write(join(xdg, 'popfwd', 'config.yaml'), mailbox.document());

    const result = await runCli(['run', '--json'], mailbox.dir, {
      env: { XDG_CONFIG_HOME: xdg, POPFWD_PASSWORD: PASSWORD },
    });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ archived: 2 });
  });

  it('reads ~/.config/popfwd/config.yaml without XDG_CONFIG_HOME', async () => {
    const mailbox = await engine({ mailbox: mails(1) });
    const home = join(mailbox.dir, 'home');
    await write(join(home, '.config', 'popfwd', 'config.yaml'), mailbox.document());

    const result = await runCli(['run', '--json'], mailbox.dir, {
      env: { XDG_CONFIG_HOME: undefined, HOME: home, POPFWD_PASSWORD: PASSWORD },
    });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ archived: 1 });
  });

  it('prefers $POPFWD_CONFIG to the default, and --config to both', async () => {
    // Prepare: the default config and $POPFWD_CONFIG point at another mailbox address
    const mailbox = await engine({ mailbox: mails(1) });
    const xdg = join(mailbox.dir, 'xdg');
    await write(join(xdg, 'popfwd', 'config.yaml'), elsewhere(mailbox));
    const fromEnv = await write(join(mailbox.dir, 'env.yaml'), mailbox.document());
    await write(join(mailbox.dir, 'other.yaml'), elsewhere(mailbox));
    const env = { XDG_CONFIG_HOME: xdg, POPFWD_PASSWORD: PASSWORD };

    // Act
    const viaEnv = await runCli(['config', 'check'], mailbox.dir, {
      env: { ...env, POPFWD_CONFIG: fromEnv },
    });
    const viaFlag = await runCli(['config', 'check', '--config', 'other.yaml'], mailbox.dir, {
      env: { ...env, POPFWD_CONFIG: fromEnv },
    });
    const viaDefault = await runCli(['config', 'check'], mailbox.dir, { env });

    // Assess
    expect(viaEnv.stdout).toContain(`${fromEnv}: valid`);
    expect(viaEnv.stdout).toContain('alice@example.test');
    expect(viaFlag.stdout).toContain(`${join(mailbox.dir, 'other.yaml')}: valid`);
    expect(viaDefault.stdout).toContain(`${join(xdg, 'popfwd', 'config.yaml')}: valid`);
    expect(viaDefault.stdout).toContain('nobody@example.test');
  });
});
