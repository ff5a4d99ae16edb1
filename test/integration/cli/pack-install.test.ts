import { type SpawnOptions, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a user gets from `npm pack` and `npm install -g`: the package is packed from a copy of the
 * project (so the working tree's dist/ is left alone), installed into an empty prefix with its
 * dependencies from the registry (or npm's cache), and run from there.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * npm's own variables from a parent `npm test` (npm_config_local_prefix, npm_package_*) would
 * point the child npm at this project; only where the cache and registry are stays.
 */
const childEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') || keep.has(key)),
  );
  return { ...env, ...extra };
};

const run = (command: string, args: readonly string[], options: SpawnOptions): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

/**
 * `popfwd archive serve` from the installed package: the page and its script come from the
 * package, the API answers, and SIGINT (Ctrl-C) ends it with 130.
 */
const serveOnce = (
  popfwd: string,
  config: string,
  options: SpawnOptions,
): Promise<{ code: number | null; page: string; script: string; info: unknown }> =>
  new Promise((resolve, reject) => {
    const child = spawn(popfwd, ['archive', 'serve', '--config', config], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let fetched: Promise<{ page: string; script: string; info: unknown }> | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (fetched || !stdout.includes('\n')) return;
      const url = stdout.split('\n')[0] as string;
      fetched = Promise.all([
        fetch(url).then((response) => response.text()),
        fetch(`${url}assets/main.js`).then((response) => response.text()),
        fetch(`${url}api/info`).then((response) => response.json()),
      ]).then(([page, script, info]) => ({ page, script, info }));
      fetched.finally(() => child.kill('SIGINT')).catch(() => {});
    });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (!fetched) reject(new Error(`archive serve printed no URL: ${stderr}`));
      else fetched.then((parts) => resolve({ code, ...parts }), reject);
    });
  });

const git = (args: readonly string[]) => run('git', args, { cwd: ROOT, env: childEnv() });

/** The project as a clone has it (tracked and new files, nothing ignored), plus local clutter. */
const copyProject = async (to: string): Promise<void> => {
  const listed = await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  if (listed.code !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (existsSync(join(ROOT, file))) await cp(join(ROOT, file), join(to, file));
  }
  await symlink(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
  // What a working directory holds that must never reach a user
  const clutter: Record<string, string> = {
    'popfwd-sandbox/pop3-password': 'sandbox-password\n',
    'popfwd.config.yaml': 'mailbox: { address: me@example.com }\n',
    'dist/lambda/removed-long-ago.js': 'export const stale = true;\n',
    '.bench/result.json': '{}\n',
    'cdk.out/manifest.json': '{}\n',
  };
  for (const [file, text] of Object.entries(clutter)) {
    await mkdir(join(to, file, '..'), { recursive: true });
    await writeFile(join(to, file), text);
  }
};

describe('npm pack, then npm install -g on a machine without the project', () => {
  let work: string;
  let tarball: string;
  let packed: string[];
  let prefix: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'popfwd-pack-'));
    const project = join(work, 'project');
    await copyProject(project);
    const pack = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: project,
      env: childEnv(),
    });
    if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    const [result] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as [
      { filename: string; files: { path: string }[] },
    ];
    tarball = join(work, result.filename);
    packed = result.files.map((file) => file.path).sort();
    // The project copy goes: the install must not find anything of it.
    await rm(project, { recursive: true, force: true });
    prefix = join(work, 'prefix');
  }, 240_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs the compiled CLI, schema, examples, README and LICENSE, and nothing local', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'bin/popfwd.js',
        'dist/lambda/cli/main.js',
        'dist/lambda/cli/commands/sandbox.js',
        'dist/lambda/archive/serve/page/index.html',
        'dist/lambda/archive/serve/page/main.js',
        'dist/lambda/archive/serve/page/app.css',
        'schema/popfwd.schema.json',
        'examples/outlook.yaml',
        'examples/password.yaml',
      ]),
    );
    const local = packed.filter(
      (path) =>
        !/^(LICENSE|README\.md|package\.json|bin\/popfwd\.js)$/.test(path) &&
        !/^(dist\/lambda|schema|examples)\//.test(path),
    );
    expect(local).toEqual([]);
    expect(packed.filter((path) => /\.(ts|map)$/.test(path))).toEqual([]);
    // The page's type-check config stays in the repository
    expect(packed.filter((path) => path.endsWith('tsconfig.json'))).toEqual([]);
    expect(packed).not.toContain('dist/lambda/removed-long-ago.js');
  });

  it('installs into an empty prefix and runs --version, the sandbox and the archive viewer from there', async () => {
    // Act: the dependencies come from npm's cache when it has them, else from the registry
    const install = await run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        tarball,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
      ],
      { cwd: work, env: childEnv() },
    );
    expect(install.code, install.stderr).toBe(0);
    const popfwd = join(prefix, 'bin', 'popfwd');
    const home = join(work, 'home');
    const cwd = join(work, 'somewhere');
    await mkdir(cwd, { recursive: true });
    const env = childEnv({ HOME: home, XDG_CONFIG_HOME: '' });

    const version = await run(popfwd, ['--version'], { cwd, env });
    const sandbox = await run(popfwd, ['sandbox', '--json'], { cwd, env });
    const noConfig = await run(popfwd, ['run'], { cwd, env });
    const viewer = await serveOnce(popfwd, join(cwd, 'popfwd-sandbox/popfwd.sandbox.yaml'), {
      cwd,
      env,
    });

    // Assess
    expect(version).toEqual({ code: 0, stdout: `popfwd ${VERSION}\n`, stderr: '' });
    expect(sandbox.code, sandbox.stderr).toBe(0);
    expect(JSON.parse(sandbox.stdout)).toMatchObject({ fetched: 20, archived: 20, failed: 0 });
    const raw = await readdir(join(cwd, 'popfwd-sandbox/archive/alice@example.test/raw'));
    expect(raw.filter((name) => name.endsWith('.eml'))).toHaveLength(20);
    expect(viewer.page).toContain('<title>popfwd archive</title>');
    expect(viewer.script).toContain('new ListView');
    expect(viewer.info).toMatchObject({ mailbox: 'alice@example.test', messages: 20 });
    expect(viewer.code).toBe(130);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain(join(home, '.config/popfwd/config.yaml'));
    // The examples the hint names are where the hint says, inside the installed package
    const examples = [...noConfig.stderr.matchAll(/(\S+\/examples\/\w+\.yaml)/g)].map(
      (match) => match[1] as string,
    );
    expect(examples).toHaveLength(2);
    for (const example of examples) {
      expect(example.startsWith(join(prefix, 'lib/node_modules/popfwd/'))).toBe(true);
      expect(existsSync(example), example).toBe(true);
    }
  }, 240_000);
});
