import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { PopfwdStack } from '../../infra/popfwd-stack.js';
import {
  configFrom,
  FIXTURE,
  mailboxYaml,
  NO_BUNDLING,
  nagApp,
  PROJECT_DIR,
  roleStatements,
} from '../helpers/aws/infra.js';

const appFor = (context: Record<string, unknown>): App =>
  new App({ context: { ...NO_BUNDLING, ...context } });

describe('PopfwdStack', () => {
  describe('with two mailboxes sharing a bucket (the app, as cdk.json drives it)', () => {
    let stack: PopfwdStack;
    let template: Template;

    beforeAll(() => {
      // Prepare
      const app = appFor({
        'popfwd:configs': [FIXTURE.alice, { file: FIXTURE.bob, every: '15m' }],
        'popfwd:alarmEmail': 'ops@example.com',
      });
      stack = buildApp(app, PROJECT_DIR);

      // Act (cdk-nag runs here)
      template = Template.fromStack(stack);
    });

    it('passes cdk-nag AwsSolutions with every finding acknowledged', () => {
      // Assess
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    it('gives each mailbox its own function, schedule, log group and alarms', () => {
      // Assess
      template.resourceCountIs('AWS::Lambda::Function', 2);
      template.resourceCountIs('AWS::Scheduler::Schedule', 2);
      template.resourceCountIs('AWS::Logs::LogGroup', 2);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        Description: 'popfwd: poll alice@example.com',
      });
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(15 minutes)',
        Description: 'popfwd: poll bob@example.org',
      });
    });

    it('creates the shared bucket once', () => {
      // Assess
      template.resourceCountIs('AWS::S3::Bucket', 1);
    });

    it('keeps each function to its own prefix', () => {
      // Prepare
      const alice = JSON.stringify(roleStatements(template, 'aliceexamplecomRole'));
      const bob = JSON.stringify(roleStatements(template, 'bobexampleorgRole'));

      // Assess
      expect(alice).toContain('"/alice/*"');
      expect(alice).not.toContain('/bob/');
      expect(bob).toContain('"/bob/*"');
      expect(bob).not.toContain('/alice/');
    });

    it('sends all alarms to one topic with the e-mail subscribed', () => {
      // Assess
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
      });
    });

    it('draws one dashboard with a row per mailbox', () => {
      // Assess
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
      const body = JSON.stringify(dashboard);
      expect(body).toContain('alice@example.com');
      expect(body).toContain('bob@example.org');
    });

    it('draws a counter the handler did not emit (it emits none that are zero) as zero, not a gap', () => {
      // Assess
      const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
      const body = JSON.stringify(dashboard);
      expect(body).toContain('FILL(forwarded, 0)');
      expect(body.match(/FILL\(\w+, 0\)/g)).toHaveLength(2 * 7);
    });

    it('outputs what the README tells you to look at', () => {
      // Assess
      const outputs = Object.keys(template.findOutputs('*'));
      expect(outputs).toEqual(
        expect.arrayContaining([
          'AlarmTopicArn',
          'DashboardName',
          expect.stringMatching(/^aliceexamplecomFunctionName/),
          expect.stringMatching(/^bobexampleorgLogGroupName/),
          expect.stringMatching(/BucketName/),
        ]),
      );
    });
  });

  describe('with the bucket kept from an earlier deployment', () => {
    it('creates no bucket and scopes the grants to its name', () => {
      // Prepare
      const app = appFor({
        'popfwd:configs': [FIXTURE.alice],
        'popfwd:existingBuckets': 'popfwd-archive-example',
      });

      // Act
      const template = Template.fromStack(buildApp(app, PROJECT_DIR));

      // Assess
      template.resourceCountIs('AWS::S3::Bucket', 0);
      expect(JSON.stringify(roleStatements(template, 'aliceexamplecomRole'))).toContain(
        ':s3:::popfwd-archive-example/alice/*',
      );
    });
  });

  describe('without the dashboard', () => {
    it('creates no dashboard and no dashboard output; the alarms stay', () => {
      // Prepare
      const app = appFor({ 'popfwd:configs': [FIXTURE.alice], 'popfwd:dashboard': 'false' });

      // Act
      const template = Template.fromStack(buildApp(app, PROJECT_DIR));

      // Assess
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
      expect(Object.keys(template.findOutputs('*'))).not.toContain('DashboardName');
    });
  });

  describe('with raw mail archived after 90 days', () => {
    it('adds one transition rule per mailbox prefix, for raw mail only', () => {
      // Prepare
      const app = appFor({
        'popfwd:configs': [FIXTURE.alice, FIXTURE.bob],
        'popfwd:archiveRawMailAfterDays': 90,
      });

      // Act
      const template = Template.fromStack(buildApp(app, PROJECT_DIR));

      // Assess
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Prefix: 'alice/alice@example.com/raw/',
              Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            }),
            Match.objectLike({
              Prefix: 'bob/bob@example.org/raw/',
              Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            }),
          ]),
        },
      });
    });
  });

  describe('synth errors', () => {
    it('fails naming the file and the field of a config the Lambda cannot use', () => {
      // Prepare
      const app = appFor({ 'popfwd:configs': [FIXTURE.localStore] });

      // Act
      const synth = () => buildApp(app, PROJECT_DIR);

      // Assess
      expect(synth).toThrow(/local-store\.config\.yaml is invalid:\n {2}- store: /);
    });

    it('fails naming store.s3.region when it differs from the stack region', () => {
      // Prepare
      const config = configFrom(
        mailboxYaml('alice').replace('prefix:', 'region: us-east-1, prefix:'),
        'alice.yaml',
      );

      // Act
      const create = () =>
        new PopfwdStack(appFor({}), 'Popfwd', {
          env: { region: 'eu-west-1' },
          mailboxes: [{ config }],
        });

      // Assess
      expect(create).toThrow(/alice\.yaml is invalid:\n {2}- store\.s3\.region:/);
    });

    it('fails for two mailboxes in one prefix', () => {
      // Prepare
      const alice = configFrom(mailboxYaml('alice', { prefix: 'shared/' }), 'alice.yaml');
      const bob = configFrom(mailboxYaml('bob', { prefix: 'shared/' }), 'bob.yaml');

      // Act
      const create = () =>
        new PopfwdStack(appFor({}), 'Popfwd', { mailboxes: [{ config: alice }, { config: bob }] });

      // Assess
      expect(create).toThrow(/bob\.yaml is invalid:\n {2}- store\.s3\.prefix:/);
    });

    it('fails when cdk-nag finds a wildcard nobody acknowledged', () => {
      // Prepare: the stack as deployed, plus one careless grant
      const app = nagApp();
      const stack = new PopfwdStack(app, 'Popfwd', {
        mailboxes: [{ config: configFrom(mailboxYaml('alice')) }],
      });
      const [forwarder] = stack.forwarders;
      forwarder?.handler.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: ['*'] }),
      );

      // Act
      const synth = () => Template.fromStack(stack);

      // Assess
      expect(synth).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
    });
  });

  describe('config warnings', () => {
    it('shows a preset warning as a synth warning naming the file', () => {
      // Prepare
      const config = configFrom(
        mailboxYaml('alice')
          .replace('preset: outlook', 'preset: hotmail-2010')
          .replace(
            /auth:[\s\S]*?(?=store:)/,
            'auth: { password: { ssm: /popfwd/alice/password } }\n',
          ),
        'old.yaml',
      );
      const stack = new PopfwdStack(appFor({}), 'Popfwd', { mailboxes: [{ config }] });

      // Act
      const warnings = Annotations.fromStack(stack).findWarning(
        '*',
        Match.stringLikeRegexp('old\\.yaml: preset hotmail-2010'),
      );

      // Assess
      expect(warnings).toHaveLength(1);
    });
  });
});
