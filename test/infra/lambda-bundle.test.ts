import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../helpers/aws/infra.js';

describe('the Lambda bundle (lambda/aws/handler.ts)', () => {
  /** Every module esbuild reached from the entry. */
  let inputs: string[];
  /** The modules of which code is left in the output after tree shaking. */
  let shipped: string[];

  beforeAll(async () => {
    // Act: the import graph esbuild follows from the entry, as NodejsFunction bundles it
    const result = await build({
      entryPoints: [join(PROJECT_DIR, 'lambda/aws/handler.ts')],
      absWorkingDir: PROJECT_DIR,
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      outfile: 'index.mjs',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const metafile = result.metafile as Metafile;
    inputs = Object.keys(metafile.inputs);
    shipped = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([input]) => input),
    );
  });

  it('starts at the handler', () => {
    // Assess
    expect(inputs).toContain('lambda/aws/handler.ts');
  });

  it('leaves out the CLI and the sandbox (no local servers, no terminal code in the Lambda)', () => {
    // Assess
    expect(inputs.filter((input) => /^lambda\/(cli|sandbox)\//.test(input))).toEqual([]);
  });

  it('takes from zod only the schemas it uses: no other locale than English, no JSON Schema import', () => {
    // Assess: `import { z } from 'zod'` would bundle all of zod's namespace (455 KB minified)
    const zod = shipped.filter((input) => input.startsWith('node_modules/zod/'));
    expect(zod).toContain('node_modules/zod/v4/classic/schemas.js');
    expect(zod.filter((input) => input.includes('/locales/'))).toEqual([
      'node_modules/zod/v4/locales/en.js',
    ]);
    expect(zod).not.toContain('node_modules/zod/v4/classic/from-json-schema.js');
  });

  it('takes from the AWS SDK clients only the commands the adapters send', () => {
    // Assess: the aggregated clients (every command as a method) are not in the bundle
    expect(shipped).toContain(
      'node_modules/@aws-sdk/client-ssm/dist-es/commands/GetParameterCommand.js',
    );
    expect(shipped).not.toContain('node_modules/@aws-sdk/client-ssm/dist-es/SSM.js');
    expect(shipped).not.toContain('node_modules/@aws-sdk/client-s3/dist-es/S3.js');
  });

  it('leaves out the YAML parser: the embedded config is JSON', () => {
    // Assess
    expect(inputs.filter((input) => input.startsWith('node_modules/yaml/'))).toEqual([]);
  });
});
