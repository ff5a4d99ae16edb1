import type { ConfigIssue } from '../lambda/config/issues.js';
import { configError } from '../lambda/config/parse.js';
import type { PopfwdError } from '../lambda/errors.js';
import type { DeployConfig } from './deploy-config.js';

const overlaps = (a: DeployConfig, b: DeployConfig): boolean =>
  a.bucketName === b.bucketName && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));

/** What `later` gets wrong next to `earlier`; each issue names a field of the later file. */
const issuesBetween = (later: DeployConfig, earlier: DeployConfig): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  if (later.address === earlier.address) {
    issues.push({ path: 'mailbox.address', message: `already deployed by ${earlier.source}` });
  }
  if (overlaps(later, earlier)) {
    issues.push({
      path: 'store.s3.prefix',
      message:
        `"${later.prefix}" overlaps "${earlier.prefix}" of ${earlier.source} in bucket ` +
        `${later.bucketName}: give each mailbox its own prefix, e.g. "alice/"`,
    });
  }
  for (const parameter of later.parameters) {
    const shared = earlier.parameters.find((other) => other.name === parameter.name);
    if (shared && (shared.writable || parameter.writable)) {
      issues.push({
        path: parameter.field,
        message: `${parameter.name} is also used by ${earlier.source}; a rotating refresh token must have exactly one writer`,
      });
    }
  }
  return issues;
};

/**
 * Mailboxes deployed together must not share an archive prefix (IAM scopes each function to its
 * own prefix) nor a rotating refresh token (SSM has no compare-and-swap). Null when they don't.
 */
export const conflictBetween = (configs: readonly DeployConfig[]): PopfwdError | null => {
  for (const [index, later] of configs.entries()) {
    const issues = configs.slice(0, index).flatMap((earlier) => issuesBetween(later, earlier));
    if (issues.length > 0) return configError(later.source, issues);
  }
  return null;
};

/** The stack creates the bucket in its own region; a config naming another one is wrong. */
export const regionMismatch = (config: DeployConfig, stackRegion: string): PopfwdError | null =>
  config.region !== undefined && config.region !== stackRegion
    ? configError(config.source, [
        {
          path: 'store.s3.region',
          message: `the stack deploys to ${stackRegion}: remove region, or deploy the stack to ${config.region}`,
        },
      ])
    : null;
