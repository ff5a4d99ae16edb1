/**
 * The Lambda bundle exactly as `cdk synth` builds it: a MailForwarder in a throwaway app is
 * synthesized, so NodejsFunction runs the local esbuild with the construct's own bundling options
 * (ESM, banner, minify, source maps, SDK bundled, the config embedded with `define`). Nothing here
 * repeats those options.
 */
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { DeployConfig } from '../../../infra/deploy-config.js';
import { MailForwarder } from '../../../infra/mail-forwarder.js';

export interface HandlerBundle {
  /** The bundled module of the function's code asset. */
  readonly file: string;
  /** The export the function's Handler names (`index.handler` → `handler`). */
  readonly exportName: string;
  /** The function's environment variables, as deployed. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
}

interface FunctionProperties {
  readonly Code: { readonly S3Key: string };
  readonly Handler: string;
  readonly Environment?: { readonly Variables?: Record<string, string> };
  readonly Timeout: number;
  readonly MemorySize: number;
}

/** Synthesizes one mailbox's function into `outdir` and finds its bundle there. */
export const synthesizeHandlerBundle = (config: DeployConfig, outdir: string): HandlerBundle => {
  const app = new App({ outdir });
  const stack = new Stack(app, 'PopfwdBundleTest');
  const forwarder = new MailForwarder(stack, 'Mailbox', { config });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Properties: FunctionProperties }>;
  };
  const logicalId = stack.getLogicalId(forwarder.handler.node.defaultChild as CfnFunction);
  const fn = template.Resources[logicalId]?.Properties;
  if (!fn) throw new Error(`no function ${logicalId} in the synthesized template`);
  const [moduleName, exportName] = fn.Handler.split('.');
  if (!moduleName || !exportName) throw new Error(`unexpected Handler ${fn.Handler}`);
  return {
    file: join(outdir, `asset.${fn.Code.S3Key.replace(/\.zip$/, '')}`, `${moduleName}.mjs`),
    exportName,
    environment: fn.Environment?.Variables ?? {},
    timeoutSeconds: fn.Timeout,
    memorySize: fn.MemorySize,
  };
};
