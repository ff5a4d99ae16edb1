import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeployConfig, deployConfig } from '../../../infra/deploy-config.js';
import { parseConfigText } from '../../../lambda/config/load.js';

export const PROJECT_DIR = fileURLToPath(new URL('../../..', import.meta.url));

/** Config files in test/fixtures/infra/, relative to the project (as cdk.json lists them). */
export const FIXTURE = {
  alice: 'test/fixtures/infra/alice.config.yaml',
  bob: 'test/fixtures/infra/bob.config.yaml',
  localStore: 'test/fixtures/infra/local-store.config.yaml',
} as const;

/** Skips esbuild: construct tests assert the template, the offline synth test bundles for real. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** An app with bundling skipped and cdk-nag's AwsSolutions checks, as infra/app.ts adds them. */
export const nagApp = (context: Record<string, unknown> = {}): App => {
  const app = new App({ context: { ...NO_BUNDLING, ...context } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
};

export const nagStack = (): Stack => new Stack(nagApp(), 'Test');

/** A deploy config from YAML text, for cases no fixture file covers. */
export const configFrom = (yaml: string, source = 'test.config.yaml'): DeployConfig =>
  deployConfig(parseConfigText(yaml, source), source);

export const mailboxYaml = (
  name: string,
  { prefix = `${name}/`, bucket = 'popfwd-archive-example' } = {},
): string => `
mailbox:
  address: ${name}@example.com
  preset: outlook
  auth:
    clientId: 00000000-1111-2222-3333-444444444444
    refreshToken: { ssm: /popfwd/${name}/refresh-token }
store:
  s3: { bucket: ${bucket}, prefix: "${prefix}" }
`;

/** The statements of the one IAM policy attached to a role whose logical id starts with `role`. */
export const roleStatements = (template: Template, role: string): unknown[] => {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }] },
  });
  const [policy, ...others] = Object.values(policies);
  if (!policy || others.length > 0) throw new Error(`expected one policy for role ${role}`);
  return (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties
    .PolicyDocument.Statement;
};

/** `arn:${Partition}:ssm:${Region}:${Account}:parameter/NAME` as CDK renders it. */
export const parameterArn = (name: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':ssm:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:parameter${name.startsWith('/') ? '' : '/'}${name}`,
    ],
  ],
});
