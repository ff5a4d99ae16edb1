import { type LoadedConfig, parseConfig } from '../config/parse.js';
import { PopfwdError } from '../errors.js';

/**
 * How the config reaches the Lambda: the CDK app validates the config file at synth and esbuild
 * replaces this identifier with the document's JSON text (`define`), so the config is part of the
 * code asset. Editing the file changes the asset hash, and `cdk deploy` ships it with the code:
 * no extra parameter to read at cold start, no size limit of environment variables, and a warm
 * container never runs with a stale config.
 */
declare const POPFWD_DEPLOYED_CONFIG: string | undefined;

/** The `define` name; must equal the identifier declared above. */
export const DEPLOYED_CONFIG_DEFINE = 'POPFWD_DEPLOYED_CONFIG';

/** Names the config in error messages, in place of a file path. */
export const DEPLOYED_CONFIG_SOURCE = 'deployed config';

/**
 * The esbuild `define` map that embeds `document`: the value is a JavaScript string literal
 * holding the JSON text.
 */
export const embedConfig = (document: unknown): Record<string, string> => ({
  [DEPLOYED_CONFIG_DEFINE]: JSON.stringify(JSON.stringify(document)),
});

/** The embedded config, validated again with the same schema the CDK app used at synth. */
export const readDeployedConfig = (): LoadedConfig => {
  if (typeof POPFWD_DEPLOYED_CONFIG !== 'string') {
    throw new PopfwdError(
      'ECONFIG',
      'no config was embedded in this bundle: deploy it with the CDK app (npx cdk deploy)',
    );
  }
  return parseConfig(JSON.parse(POPFWD_DEPLOYED_CONFIG), DEPLOYED_CONFIG_SOURCE);
};
