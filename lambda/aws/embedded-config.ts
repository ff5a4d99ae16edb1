import { type LoadedConfig, parseConfig } from '../config/parse.js';
import { PopfwdError } from '../errors.js';

/**
 * The embedded config: the Lambda's config at run time. Not to be confused with `DeployConfig`
 * (infra/deploy-config.ts), the CDK app's view of a config file at synth, which holds the
 * document embedded here.
 *
 * How the config reaches the Lambda: the CDK app validates the config file at synth and esbuild
 * replaces this identifier with the document's JSON text (`define`), so the config is part of the
 * code asset. Editing the file changes the asset hash, and `cdk deploy` ships it with the code:
 * no extra parameter to read at cold start, no size limit of environment variables, and a warm
 * container never runs with a stale config.
 */
declare const POPFWD_EMBEDDED_CONFIG: string | undefined;

/** The `define` name; must equal the identifier declared above. */
export const EMBEDDED_CONFIG_DEFINE = 'POPFWD_EMBEDDED_CONFIG';

/** Names the config in error messages, in place of a file path: to its owner, what was deployed. */
export const EMBEDDED_CONFIG_SOURCE = 'deployed config';

/**
 * The esbuild `define` map that embeds `document`: the value is a JavaScript string literal
 * holding the JSON text.
 */
export const embedConfig = (document: unknown): Record<string, string> => ({
  [EMBEDDED_CONFIG_DEFINE]: JSON.stringify(JSON.stringify(document)),
});

/** The embedded config, validated again with the same schema the CDK app used at synth. */
export const readEmbeddedConfig = (): LoadedConfig => {
  if (typeof POPFWD_EMBEDDED_CONFIG !== 'string') {
    throw new PopfwdError(
      'ECONFIG',
      'no config was embedded in this bundle: deploy it with the CDK app (npx cdk deploy)',
    );
  }
  return parseConfig(JSON.parse(POPFWD_EMBEDDED_CONFIG), EMBEDDED_CONFIG_SOURCE);
};
