import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { FIXTURE, NO_BUNDLING, PROJECT_DIR } from '../helpers/aws/infra.js';

/** Asset hashes change with every edit of the Lambda code; the snapshot is about the rest. */
const maskAssetHashes = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replace(/[0-9a-f]{64}/g, '[asset hash]');
  if (Array.isArray(value)) return value.map(maskAssetHashes);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, maskAssetHashes(inner)]),
    );
  }
  return value;
};

describe('PopfwdStack template', () => {
  it('matches the reviewed snapshot (two mailboxes, one bucket)', () => {
    // Prepare
    const app = new App({
      context: { ...NO_BUNDLING, 'popfwd:configs': [FIXTURE.alice, FIXTURE.bob] },
    });

    // Act
    const template = Template.fromStack(buildApp(app, PROJECT_DIR)).toJSON();

    // Assess
    expect(maskAssetHashes(template)).toMatchSnapshot();
  });
});
