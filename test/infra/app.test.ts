import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIXTURE, PROJECT_DIR } from '../helpers/aws/infra.js';

const run = promisify(execFile);

/** Runs infra/app.ts as the CDK CLI does: context in CDK_CONTEXT_JSON. */
const synth = async (context: Record<string, unknown>) => {
  try {
    await run('npx', ['tsx', 'infra/app.ts'], {
      cwd: PROJECT_DIR,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context) },
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
};

describe('infra/app.ts', () => {
  it('fails with the file and the field of an invalid config, not a stack trace', async () => {
    // Act
    const result = await synth({ 'popfwd:configs': [FIXTURE.localStore] });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/popfwd: .*local-store\.config\.yaml is invalid:\n {2}- store: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails naming a config file that does not exist', async () => {
    // Act
    const result = await synth({ 'popfwd:configs': ['popfwd.config.yaml'] });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/popfwd: config .*popfwd\.config\.yaml: file not found/);
  });
});
