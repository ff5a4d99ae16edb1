import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, PROJECT_DIR } from '../helpers/aws/infra.js';

const run = promisify(execFile);

interface FunctionResource {
  Type: string;
  Properties: { Code?: { S3Key?: string }; Description?: string };
}

/**
 * `npx cdk synth` as a user runs it: the CDK CLI, cdk.json's app command, local esbuild. No AWS
 * credentials are needed, and Docker is made unusable (CDK_DOCKER), so a silent fallback to
 * Docker bundling would fail this test.
 */
describe('npx cdk synth', () => {
  let outdir: string;
  let functions: FunctionResource[];

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'popfwd-synth-'));
    await run(
      'npx',
      [
        'cdk',
        'synth',
        '--no-notices',
        '--quiet',
        '--output',
        outdir,
        '--context',
        `popfwd:configs=${FIXTURE.alice},${FIXTURE.bob}`,
      ],
      {
        cwd: PROJECT_DIR,
        env: {
          ...process.env,
          CDK_DOCKER: 'false',
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const template = JSON.parse(await readFile(join(outdir, 'Popfwd.template.json'), 'utf8')) as {
      Resources: Record<string, FunctionResource>;
    };
    functions = Object.values(template.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
  }, 240_000);

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  const bundleOf = (address: string): string => {
    const fn = functions.find((resource) => resource.Properties.Description?.includes(address));
    const key = fn?.Properties.Code?.S3Key ?? '';
    return join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
  };

  it('bundles one function per mailbox', () => {
    // Assess
    expect(functions).toHaveLength(2);
  });

  it('writes an ESM bundle whose CommonJS dependencies can require', async () => {
    // Act
    const code = await readFile(bundleOf('alice@example.com'), 'utf8');

    // Assess
    expect(
      code.startsWith("import { createRequire as popfwdCreateRequire } from 'node:module';"),
    ).toBe(true);
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);
  });

  it('embeds each mailbox its own config', async () => {
    // Act
    const alice = await readFile(bundleOf('alice@example.com'), 'utf8');
    const bob = await readFile(bundleOf('bob@example.org'), 'utf8');

    // Assess
    expect(alice).toContain('/popfwd/alice/refresh-token');
    expect(alice).not.toContain('/popfwd/bob/password');
    expect(bob).toContain('/popfwd/bob/password');
  });

  it('loads under Node and validates its embedded config at module scope', async () => {
    // Act
    const bundle = (await import(pathToFileURL(bundleOf('alice@example.com')).href)) as {
      handler?: unknown;
    };

    // Assess
    expect(typeof bundle.handler).toBe('function');
  });
});
