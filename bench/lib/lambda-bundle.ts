/**
 * The Lambda bundle as the CDK app builds it. `synthBundle` runs the real CDK app (in this
 * process, bundling with local esbuild) and returns the asset it wrote; `buildBundle` calls
 * esbuild with the options NodejsFunction derives from infra/mail-forwarder.ts, plus a metafile
 * for the analysis. bench/bundle.ts checks that both produce the same bytes for the same config,
 * so the analysis and the timing runs measure the shipped artefact.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { build, type Metafile } from 'esbuild';
import { buildApp } from '../../infra/build-app.js';
import { BUNDLE_ALIASES, CREATE_REQUIRE_BANNER } from '../../infra/mail-forwarder.js';
import { embedConfig } from '../../lambda/aws/embedded-config.js';

/**
 * NodejsFunction's esbuild arguments for the MailForwarder's bundling props: runtime NODEJS_24_X
 * (target node24), ESM (index.mjs), minify, UTF-8, source map without sources, AWS SDK bundled (no
 * externals), mainFields module,main, the banner, the aliases, and the config through `define`.
 */
export const buildBundle = async (
  projectDir: string,
  document: unknown,
  outdir: string,
): Promise<{ file: string; metafile: Metafile }> => {
  const file = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [join(projectDir, 'lambda', 'aws', 'handler.ts')],
    absWorkingDir: projectDir,
    outfile: file,
    bundle: true,
    target: 'node24',
    platform: 'node',
    format: 'esm',
    minify: true,
    charset: 'utf8',
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: CREATE_REQUIRE_BANNER },
    alias: BUNDLE_ALIASES,
    define: embedConfig(document),
    metafile: true,
    logLevel: 'warning',
  });
  return { file, metafile: result.metafile };
};

/** Synthesizes the CDK app for one config file and returns its function's bundle. */
export const synthBundle = async (
  projectDir: string,
  configFile: string,
  outdir: string,
): Promise<string> => {
  const app = new App({
    outdir,
    context: { 'popfwd:configs': [configFile], 'cli-telemetry': false },
  });
  buildApp(app, projectDir);
  app.synth();
  for (const entry of await readdir(outdir)) {
    const candidate = join(outdir, entry, 'index.mjs');
    if (entry.startsWith('asset.') && (await stat(candidate).catch(() => null))) return candidate;
  }
  throw new Error(`no Lambda bundle among the assets in ${outdir}`);
};

export interface PackageShare {
  readonly name: string;
  readonly bytes: number;
  /** Distinct directories the package was bundled from (more than one: bundled twice). */
  readonly copies: readonly string[];
}

const packageOf = (input: string): { name: string; root: string } | null => {
  const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\/(.*)$/.exec(input);
  if (!match?.[1] || !match[2]) return null;
  // An ESM and a CommonJS build of one package (dist/esm/ and dist/cjs/) are two copies as well.
  const build = /(^|\/)(esm|cjs|commonjs|mjs)\//.exec(match[3] ?? '')?.[2];
  return { name: match[2], root: build ? `${match[1]} (${build})` : match[1] };
};

/** Output bytes per package (or per source folder of this project), largest first. */
export const bundleShares = (metafile: Metafile, file: string): PackageShare[] => {
  const output = Object.entries(metafile.outputs).find(([path]) =>
    path.endsWith(file.split('/').pop() ?? ''),
  );
  if (!output) throw new Error('the metafile has no entry for the bundle');
  const shares = new Map<string, { bytes: number; copies: Set<string> }>();
  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const owner = packageOf(input) ?? { name: input.split('/').slice(0, 2).join('/'), root: '' };
    const share = shares.get(owner.name) ?? { bytes: 0, copies: new Set<string>() };
    share.bytes += bytesInOutput;
    if (owner.root) share.copies.add(owner.root);
    shares.set(owner.name, share);
  }
  return [...shares]
    .map(([name, share]) => ({ name, bytes: share.bytes, copies: [...share.copies] }))
    .sort((a, b) => b.bytes - a.bytes);
};

export const sameBytes = async (a: string, b: string): Promise<boolean> =>
  (await readFile(a)).equals(await readFile(b));
