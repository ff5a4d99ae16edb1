import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../helpers/infra.js';

describe('the Lambda bundle (lambda/handler.ts)', () => {
  let inputs: string[];

  beforeAll(async () => {
    // Act: the import graph esbuild follows from the entry, as NodejsFunction bundles it
    const result = await build({
      entryPoints: [join(PROJECT_DIR, 'lambda/handler.ts')],
      absWorkingDir: PROJECT_DIR,
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    inputs = Object.keys((result.metafile as Metafile).inputs);
  });

  it('starts at the handler', () => {
    // Assess
    expect(inputs).toContain('lambda/handler.ts');
  });

  it('leaves out the CLI and the sandbox (no local servers, no terminal code in the Lambda)', () => {
    // Assess
    expect(inputs.filter((input) => /^lambda\/(cli|sandbox)\//.test(input))).toEqual([]);
  });

  it('leaves out the YAML parser: the embedded config is JSON', () => {
    // Assess
    expect(inputs.filter((input) => input.startsWith('node_modules/yaml/'))).toEqual([]);
  });
});
