/**
 * examples/systemd: the units are checked by systemd's own `systemd-analyze verify --user` (with
 * the sandbox drop-in in place), and each ExecStart command line is run through popfwd's own
 * argument parser, so a unit cannot name an option the CLI does not have.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli/cli.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
const EXAMPLES = join(REPO, 'examples/systemd');
const UNITS = ['popfwd-run.service', 'popfwd-run.timer', 'popfwd-watch.service'] as const;
const SERVICES = ['popfwd-run.service', 'popfwd-watch.service'] as const;
/** What `ExecStart=popfwd …` finds once installed; here the repository's own launcher. */
const LAUNCHER = join(REPO, 'bin/popfwd.js');

const analyzeAvailable = (): boolean =>
  spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;

/** `Key=value` lines of one section of a unit file (comments and continuations are not used). */
const directives = (text: string, section: string): Map<string, string[]> => {
  const found = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header?.[1]) {
      current = header[1];
      continue;
    }
    const match = /^(\w+)=(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) throw new Error(`not a directive: ${line}`);
    if (current === section) found.set(match[1], [...(found.get(match[1]) ?? []), match[2]]);
  }
  return found;
};

const readUnit = (name: string) => readFile(join(EXAMPLES, name), 'utf8');

const scratch: string[] = [];
const tempDir = async (prefix: string): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * The units as a user installs them (~/.config/systemd/user, the drop-in in NAME.d/), with
 * ExecStart pointing at a real executable so that verify can check it.
 */
const installUnits = async (edit: (name: string, text: string) => string = (_, t) => t) => {
  const dir = await tempDir('popfwd-units-');
  for (const name of UNITS) {
    const text = (await readUnit(name)).replaceAll('ExecStart=popfwd ', `ExecStart=${LAUNCHER} `);
    await writeFile(join(dir, name), edit(name, text));
  }
  for (const service of SERVICES) {
    await mkdir(join(dir, `${service}.d`));
    await copyFile(join(EXAMPLES, 'sandbox.conf'), join(dir, `${service}.d/sandbox.conf`));
  }
  return dir;
};

const verify = async (dir: string, files: readonly string[]) => {
  // A user manager's runtime directory; verify needs one and must not use the caller's.
  const runtime = await tempDir('popfwd-runtime-');
  await chmod(runtime, 0o700);
  const result = await run(
    'systemd-analyze',
    ['verify', '--user', ...files.map((file) => join(dir, file))],
    { env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' } },
  ).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code?: number; stderr?: string }) => ({
      code: error.code ?? -1,
      stderr: error.stderr ?? '',
    }),
  );
  // Only what concerns these units: a distro's own units may carry warnings of their own.
  const ours = result.stderr
    .split('\n')
    .filter((line) => line.includes(dir) || /popfwd-(run|watch)/.test(line));
  return { code: result.code, ours };
};

describe('examples/systemd: what the units ask of popfwd', () => {
  it('starts popfwd with options the CLI accepts, reading ~/.config/popfwd/config.yaml', async () => {
    const home = await tempDir('popfwd-home-');
    for (const service of SERVICES) {
      // Prepare
      const execStart = directives(await readUnit(service), 'Service').get('ExecStart') ?? [];
      expect(execStart).toHaveLength(1);
      const [program, ...argv] = (execStart[0] as string).replaceAll('%h', home).split(' ');
      expect(program).toBe('popfwd');

      // Act: the real CLI; no config exists there yet, so it stops at reading it
      const result = await runCli(argv, home);

      // Assess: the options were understood (a usage error names an option, not the file)
      expect(argv).toContain(`${home}/.config/popfwd/config.yaml`);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${home}/.config/popfwd/config.yaml`);
      expect(result.stderr).not.toMatch(/unknown|usage:/i);
    }
  });

  it('keeps permanent failures failed and lets waiting sends and a stop count as success', async () => {
    const runService = directives(await readUnit('popfwd-run.service'), 'Service');
    const watch = directives(await readUnit('popfwd-watch.service'), 'Service');
    const timer = directives(await readUnit('popfwd-run.timer'), 'Timer');

    expect(runService.get('Type')).toEqual(['oneshot']);
    expect(runService.get('SuccessExitStatus')).toEqual(['5 130']);
    expect(watch.get('Restart')).toEqual(['on-failure']);
    // 2 = usage or config, 3 = sign-in refused: a restart cannot fix either
    expect(watch.get('RestartPreventExitStatus')).toEqual(['2 3']);
    expect(watch.get('SuccessExitStatus')).toEqual(['130']);
    expect(timer.get('OnCalendar')).toEqual(['*:0/5']);
    expect(directives(await readUnit('popfwd-run.timer'), 'Unit').get('Conflicts')).toEqual([
      'popfwd-watch.service',
    ]);
  });
});

const available = analyzeAvailable();
if (!available && process.env.CI === 'true') {
  throw new Error('CI=true but systemd-analyze is missing (apt-get install systemd)');
}
if (!available) {
  console.warn('[popfwd] skipping systemd-analyze verify: systemd-analyze is not installed');
}

describe.skipIf(!available)('examples/systemd under systemd-analyze verify --user', () => {
  let clean: string;
  beforeAll(async () => {
    clean = await installUnits();
  });

  it('finds nothing to report in the units, the timer and the sandbox drop-in', async () => {
    const result = await verify(clean, UNITS);

    expect(result.ours).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('reports a misspelt directive in the drop-in: the check reads every file', async () => {
    // Prepare
    const dir = await installUnits();
    const dropIn = join(dir, 'popfwd-watch.service.d/sandbox.conf');
    await writeFile(dropIn, `${await readFile(dropIn, 'utf8')}ProtectSytem=strict\n`);

    // Act
    const result = await verify(dir, ['popfwd-watch.service']);

    // Assess
    expect(result.ours.join('\n')).toMatch(/Unknown key 'ProtectSytem'/);
  });

  it('fails a unit whose ExecStart is not executable', async () => {
    const dir = await installUnits((name, text) =>
      name === 'popfwd-run.service' ? text.replace(LAUNCHER, join(REPO, 'no/such/popfwd')) : text,
    );

    const result = await verify(dir, ['popfwd-run.service']);

    expect(result.code).not.toBe(0);
    expect(result.ours.join('\n')).toMatch(/is not executable/);
  });
});
