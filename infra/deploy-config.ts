import type { Config, SecretRef } from '../lambda/config/config-schema.js';
import type { ConfigIssue } from '../lambda/config/issues.js';
import { readConfigDocument } from '../lambda/config/load.js';
import { configError, parseConfig } from '../lambda/config/parse.js';
import { mailboxLayout } from '../lambda/engine/layout.js';

/** An SSM SecureString the function uses; created outside CloudFormation (see README, Deploy). */
export interface SecretParameter {
  /** The parameter name, as in the config's `{ ssm: NAME }`. */
  readonly name: string;
  /** The config field that references it, e.g. `mailbox.auth.refreshToken`. */
  readonly field: string;
  /** True for the OAuth2 refresh token, which the function rotates on every use. */
  readonly writable: boolean;
}

/**
 * One mailbox's config file as the CDK app sees it at synth, validated for the Lambda; the input
 * of a MailForwarder. Its `document` is what the bundle carries: the Lambda reads it back at run
 * time as the embedded config (lambda/aws/embedded-config.ts).
 */
export interface DeployConfig {
  /** The config file, for messages. */
  readonly source: string;
  /** The JSON document embedded in the Lambda bundle, validated again there with the same schema. */
  readonly document: unknown;
  readonly config: Config;
  readonly address: string;
  readonly bucketName: string;
  /** The mailbox's key prefix in the bucket ('' for the whole bucket). */
  readonly prefix: string;
  /** The config's store.s3.region, when it names one. */
  readonly region: string | undefined;
  readonly parameters: readonly SecretParameter[];
  /** Preset warnings, shown as synth warnings. */
  readonly warnings: readonly string[];
}

const SSM_HINT = 'the Lambda reads secrets from SSM Parameter Store: use { ssm: /popfwd/NAME }';

const secretIssue = (field: string, ref: SecretRef): ConfigIssue[] =>
  'ssm' in ref ? [] : [{ path: field, message: SSM_HINT }];

/** What a config valid for the CLI still needs before it can run in the Lambda. */
export const deploymentIssues = (config: Config): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  if (!('s3' in config.store)) {
    issues.push({
      path: 'store',
      message: 'the Lambda archives to S3: set store: { s3: { bucket: NAME, prefix: NAME/ } }',
    });
  } else if (config.store.s3.endpoint !== undefined) {
    issues.push({
      path: 'store.s3.endpoint',
      message: 'the Lambda archives to Amazon S3; endpoint is for S3-compatible stores run locally',
    });
  }
  if (config.mailbox.caFile !== undefined) {
    issues.push({
      path: 'mailbox.caFile',
      message: 'a file on this machine does not reach the Lambda, which trusts the public CAs only',
    });
  }
  const { auth } = config.mailbox;
  issues.push(
    ...(auth.method === 'password'
      ? secretIssue('mailbox.auth.password', auth.password)
      : secretIssue('mailbox.auth.refreshToken', auth.refreshToken)),
  );
  return issues;
};

const secretParameters = (config: Config): SecretParameter[] => {
  const { auth } = config.mailbox;
  const ref = auth.method === 'password' ? auth.password : auth.refreshToken;
  if (!('ssm' in ref)) return [];
  return auth.method === 'password'
    ? [{ name: ref.ssm, field: 'mailbox.auth.password', writable: false }]
    : [{ name: ref.ssm, field: 'mailbox.auth.refreshToken', writable: true }];
};

/**
 * Validates a parsed config document for deployment. The document goes through JSON first,
 * because JSON is what the bundle carries: synth validates exactly what the Lambda will read.
 * Throws ECONFIG naming the file and every field at fault.
 */
export const deployConfig = (document: unknown, source: string): DeployConfig => {
  const portable: unknown = JSON.parse(JSON.stringify(document) ?? 'null');
  const { config, warnings } = parseConfig(portable, source);
  const issues = deploymentIssues(config);
  if (issues.length > 0 || !('s3' in config.store)) throw configError(source, issues);
  return {
    source,
    document: portable,
    config,
    address: config.mailbox.address,
    bucketName: config.store.s3.bucket,
    prefix: config.store.s3.prefix,
    region: config.store.s3.region,
    parameters: secretParameters(config),
    warnings,
  };
};

/** Reads a config file (YAML or JSON) as the CLI does, and validates it for the Lambda. */
export const readDeployConfig = (path: string): DeployConfig =>
  deployConfig(readConfigDocument(path), path);

/** Where this mailbox's raw mail lives in the bucket: the engine's layout under the prefix. */
export const rawMailKeyPrefix = (config: Pick<DeployConfig, 'prefix' | 'address'>): string =>
  `${config.prefix}${mailboxLayout(config.address).rawPrefix}`;
