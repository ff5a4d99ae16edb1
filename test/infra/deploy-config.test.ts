import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDeployConfig } from '../../infra/deploy-config.js';
import { configFrom, FIXTURE, mailboxYaml, PROJECT_DIR } from '../helpers/aws/infra.js';

/** The ECONFIG message thrown for `yaml`, or null when it is valid for deployment. */
const problem = (yaml: string): string | null => {
  try {
    configFrom(yaml, 'bad.config.yaml');
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('readDeployConfig', () => {
  it('reads an OAuth2 mailbox: bucket, prefix, and a writable refresh-token parameter', () => {
    // Act
    const deploy = readDeployConfig(join(PROJECT_DIR, FIXTURE.alice));

    // Assess
    expect(deploy).toMatchObject({
      address: 'alice@example.com',
      bucketName: 'popfwd-archive-example',
      prefix: 'alice/',
      region: undefined,
      parameters: [
        { name: '/popfwd/alice/refresh-token', field: 'mailbox.auth.refreshToken', writable: true },
      ],
    });
  });

  it('reads a password mailbox with a read-only password parameter', () => {
    // Act
    const deploy = readDeployConfig(join(PROJECT_DIR, FIXTURE.bob));

    // Assess
    expect(deploy.parameters).toEqual([
      { name: '/popfwd/bob/password', field: 'mailbox.auth.password', writable: false },
    ]);
  });

  it('fails naming the file and every field the Lambda cannot use', () => {
    // Act
    const read = () => readDeployConfig(join(PROJECT_DIR, FIXTURE.localStore));

    // Assess
    expect(read).toThrow(/local-store\.config\.yaml is invalid/);
    expect(read).toThrow(/- store: the Lambda archives to S3/);
    expect(read).toThrow(/- mailbox\.auth\.password: the Lambda reads secrets from SSM/);
  });

  it('fails naming a missing file', () => {
    // Act
    const read = () => readDeployConfig(join(PROJECT_DIR, 'no-such.config.yaml'));

    // Assess
    expect(read).toThrow(/no-such\.config\.yaml: file not found/);
  });
});

describe('deployConfig', () => {
  it('fails naming a field the schema rejects, as the CLI would', () => {
    // Act
    const message = problem(mailboxYaml('alice').replace('prefix:', 'prefixx:'));

    // Assess
    expect(message).toMatch(/bad\.config\.yaml is invalid/);
    expect(message).toMatch(/store\.s3\.prefixx: unknown field/);
  });

  it('rejects an S3-compatible endpoint: the Lambda archives to Amazon S3', () => {
    // Act
    const message = problem(
      mailboxYaml('alice').replace('prefix:', 'endpoint: "http://localhost:9000", prefix:'),
    );

    // Assess
    expect(message).toMatch(/store\.s3\.endpoint:/);
  });

  it('rejects a CA file, which does not exist in the Lambda', () => {
    // Act
    const message = problem(mailboxYaml('alice').replace('preset:', 'caFile: ./ca.pem\n  preset:'));

    // Assess
    expect(message).toMatch(/mailbox\.caFile:/);
  });

  it('rejects a refresh token kept in a file', () => {
    // Act
    const message = problem(
      mailboxYaml('alice').replace('{ ssm: /popfwd/alice/refresh-token }', '{ file: ./token }'),
    );

    // Assess
    expect(message).toMatch(/mailbox\.auth\.refreshToken: the Lambda reads secrets from SSM/);
  });

  it('embeds exactly the JSON the Lambda will parse', () => {
    // Act
    const deploy = configFrom(mailboxYaml('alice'));

    // Assess
    expect(JSON.parse(JSON.stringify(deploy.document))).toEqual(deploy.document);
    expect(deploy.document).toMatchObject({ mailbox: { preset: 'outlook' } });
  });
});
