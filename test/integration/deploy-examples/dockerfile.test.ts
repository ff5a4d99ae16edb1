/**
 * The Dockerfile, checked without a Docker engine: its steps are parsed strictly and run on this
 * machine, stage by stage (npm ci, the TypeScript build, the production install), and the
 * runtime stage's ENTRYPOINT then polls a real POP3 server as the image's non-root account,
 * archiving into the /data volume. What Docker itself would add (the base image's Node.js,
 * layer caching) is not checked here: the host's Node.js stands in.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pop3Server, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import { SAMPLE_OWNER, sampleMail } from '../../../lambda/cli/sandbox/sample-mail.js';
import { SANDBOX_CA, SANDBOX_CERT, SANDBOX_KEY } from '../../../lambda/cli/sandbox/tls-material.js';
import { isIgnored, parseDockerignore } from '../../helpers/dockerfile/dockerignore.js';
import {
  type EmulatedImage,
  emulateBuild,
  hostPath,
  IMAGE_USERS,
} from '../../helpers/dockerfile/emulate-build.js';
import { parseDockerfile } from '../../helpers/dockerfile/parse-dockerfile.js';
import { canSwitchUser, runEntrypoint } from '../../helpers/dockerfile/run-entrypoint.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
const PASSWORD = 'image-Pa55word';

/** The npm settings of a build on a machine whose cache is warm (CI ran `npm ci` before). */
const NPM_ENV = {
  npm_config_prefer_offline: 'true',
  npm_config_update_notifier: 'false',
} as const;

const scratchDirs: string[] = [];
const scratch = async (prefix: string): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // The image's account must reach the stage directories, as it would in the image.
  await chmod(dir, 0o755);
  scratchDirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const du = async (dir: string): Promise<number> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const sizes = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return du(path);
      return entry.isFile() ? (await stat(path)).size : 0;
    }),
  );
  return sizes.reduce((a, b) => a + b, 0);
};

describe('Dockerfile: the strict reader refuses what it cannot run', () => {
  const stage = (lines: string) => `FROM node:22-bookworm-slim AS build\nWORKDIR /app\n${lines}\n`;

  it.each([
    ['an instruction it does not know', 'ADD https://example.com/x /x', /ADD is not understood/],
    ['shell syntax in RUN', 'RUN npm ci | tee /tmp/log', /shell syntax/],
    ['a variable in RUN', 'RUN npm ci $FLAGS', /shell syntax/],
    ['a shell-form ENTRYPOINT', 'ENTRYPOINT popfwd', /JSON array/],
    ['a COPY flag', 'COPY --chmod=777 bin ./bin', /unsupported COPY flag/],
    ['a COPY glob', 'COPY lambda/*.ts ./', /unsupported COPY path/],
    ['a quoted ENV value', 'ENV A="b c"', /ENV must be/],
  ])('refuses %s', (_, line, error) => {
    expect(() => parseDockerfile(stage(line))).toThrow(error);
  });

  it('refuses a RUN command it does not know, before running anything', async () => {
    const stages = parseDockerfile(stage('RUN curl -fsSL https://example.com/install'));

    await expect(
      emulateBuild(stages, { context: REPO, scratch: await scratch('popfwd-image-') }),
    ).rejects.toThrow(/RUN curl .* does not understand/);
  });

  it('fails a COPY whose files .dockerignore leaves out, as Docker does', async () => {
    // Prepare: a context whose .dockerignore forgets lambda/
    const context = await scratch('popfwd-context-');
    await mkdir(join(context, 'lambda'));
    await writeFile(join(context, 'lambda/main.ts'), 'export {};\n');
    await writeFile(join(context, '.dockerignore'), '*\n!package.json\n');
    const stages = parseDockerfile(stage('COPY lambda ./lambda'));

    // Act / Assess
    await expect(
      emulateBuild(stages, { context, scratch: await scratch('popfwd-image-') }),
    ).rejects.toThrow(/every file is excluded by .dockerignore/);
  });
});

describe('.dockerignore keeps local files out of the build context', () => {
  it('matches as Docker does: last pattern wins, parents count, ** spans directories', () => {
    const patterns = parseDockerignore('*\n!lambda/\nlambda/**/*.test.ts\n!lambda/keep.test.ts\n');

    expect(isIgnored(patterns, 'README.md')).toBe(true);
    expect(isIgnored(patterns, 'lambda/cli/main.ts')).toBe(false);
    expect(isIgnored(patterns, 'lambda/cli/deep/x.test.ts')).toBe(true);
    expect(isIgnored(patterns, 'lambda/x.test.ts')).toBe(true);
    expect(isIgnored(patterns, 'lambda/keep.test.ts')).toBe(false);
    expect(() => parseDockerignore('secret[0-9]\n')).toThrow(/does not understand/);
  });

  it('leaves out configs, secrets, archives and build output of a working checkout', async () => {
    const patterns = parseDockerignore(await readFile(join(REPO, '.dockerignore'), 'utf8'));

    for (const local of [
      'popfwd.config.yaml',
      'secrets/outlook-refresh-token',
      '.env',
      'popfwd-data/alice@example.test/raw/1.eml',
      'popfwd-sandbox/pop3-password',
      'node_modules/yaml/package.json',
      'dist/lambda/cli/main.js',
      'cdk.out/manifest.json',
      '.git/config',
      'test/fixtures/tls/server.key',
    ]) {
      expect(isIgnored(patterns, local), local).toBe(true);
    }
    for (const needed of [
      'package.json',
      'lambda/cli/main.ts',
      'bin/popfwd.js',
      'schema/popfwd.schema.json',
    ]) {
      expect(isIgnored(patterns, needed), needed).toBe(false);
    }
  });
});

describe('Dockerfile: the build steps, run', () => {
  let runtime: EmulatedImage;
  let pop3: Pop3Server;

  beforeAll(async () => {
    const stages = parseDockerfile(await readFile(join(REPO, 'Dockerfile'), 'utf8'));
    const built = await emulateBuild(stages, {
      context: REPO,
      scratch: await scratch('popfwd-image-'),
      hostEnv: NPM_ENV,
    });
    runtime = built.last;
    pop3 = await startPop3Server({
      tls: { key: SANDBOX_KEY, cert: SANDBOX_CERT },
      users: [{ user: SAMPLE_OWNER, password: PASSWORD }],
      mailbox: sampleMail().map(({ uidl, data }) => ({ uidl, data })),
    });
  }, 240_000);
  afterAll(async () => {
    await pop3?.close();
  });

  it('ships the compiled code with production dependencies only, no sources or compiler', async () => {
    const modules = join(hostPath(runtime, '/app'), 'node_modules');

    expect(runtime.name).toBe('runtime');
    // Node must find the packages in the stage alone, not in a node_modules above it
    const above = [dirname(runtime.root)];
    while (above.at(-1) !== dirname(above.at(-1) as string))
      above.push(dirname(above.at(-1) as string));
    for (const dir of above) {
      await expect(stat(join(dir, 'node_modules')), dir).rejects.toThrow(/ENOENT/);
    }
    await expect(stat(hostPath(runtime, '/app/dist/lambda/cli/main.js'))).resolves.toBeTruthy();
    for (const absent of ['/app/lambda', '/app/test', '/app/node_modules/typescript']) {
      await expect(stat(hostPath(runtime, absent)), absent).rejects.toThrow(/ENOENT/);
    }
    for (const absent of ['vitest', '@biomejs', 'aws-cdk-lib', 'aws-cdk', 'esbuild']) {
      await expect(stat(join(modules, absent)), absent).rejects.toThrow(/ENOENT/);
    }
    // The runtime dependencies measure ~55 MB; the CDK alone would add ~185 MB.
    expect(await du(modules)).toBeLessThan(100 * 1024 * 1024);
    expect(runtime.notRun).toEqual(['npm cache clean --force']);
  });

  it('runs as the node account with config and data as volumes and watch as the command', () => {
    expect(runtime.user).toBe('node');
    expect(IMAGE_USERS.node?.uid).not.toBe(0);
    expect(runtime.volumes).toEqual(['/config', '/data']);
    expect(runtime.owners.get('/data')).toBe('node');
    expect(runtime.env.POPFWD_CONFIG).toBe('/config/config.yaml');
    expect(runtime.workdir).toBe('/data');
    expect(runtime.entrypoint).toEqual(['node', '/app/bin/popfwd.js']);
    expect(runtime.cmd).toEqual(['watch']);
  });

  it('starts from its ENTRYPOINT', async () => {
    const version = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string })
      .version;

    const result = await runEntrypoint(runtime, ['--version']);
    const help = await runEntrypoint(runtime, ['--help']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(version);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: popfwd');
  });

  it('polls a mailbox from the ENTRYPOINT, archiving into /data as the image account', async () => {
    // Prepare: /config as a user mounts it; the archive on the /data volume
    const config = hostPath(runtime, '/config/config.yaml');
    await writeFile(hostPath(runtime, '/config/ca.pem'), SANDBOX_CA);
    await writeFile(
      config,
      [
        'mailbox:',
        `  address: ${SAMPLE_OWNER}`,
        `  pop3: { host: localhost, port: ${pop3.port}, security: tls }`,
        '  smtp: { host: localhost, port: 587, security: starttls }',
        '  caFile: ./ca.pem',
        '  auth: { method: password, password: { env: POPFWD_PASSWORD } }',
        '  retention: keep',
        '# /data/archive in the container; relative here, where /data is a stage directory',
        'store: { dir: ../data/archive }',
        '',
      ].join('\n'),
    );

    // Act
    const result = await runEntrypoint(runtime, ['run', '--config', config, '--json'], {
      POPFWD_PASSWORD: PASSWORD,
    });

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(summary).toMatchObject({ fetched: sampleMail().length, archived: sampleMail().length });
    const raw = join(hostPath(runtime, '/data/archive'), SAMPLE_OWNER, 'raw');
    const archived = (await readdir(raw)).filter((name) => name.endsWith('.eml'));
    expect(archived).toHaveLength(sampleMail().length);
    if (canSwitchUser()) {
      // Written by uid 1000 (node) into the directory the image gave it, not by root
      expect((await stat(join(raw, archived[0] as string))).uid).toBe(IMAGE_USERS.node?.uid);
    }
  });
});
