import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { MailForwarder } from '../../infra/mail-forwarder.js';
import {
  configFrom,
  mailboxYaml,
  nagStack,
  parameterArn,
  roleStatements,
} from '../helpers/aws/infra.js';

const ALICE = configFrom(mailboxYaml('alice'), 'alice.config.yaml');

const BOB_PASSWORD = configFrom(
  `
mailbox:
  address: bob@example.org
  pop3: { host: pop.example.org }
  auth: { method: password, password: { ssm: /popfwd/bob/password } }
store: { s3: { bucket: popfwd-archive-example, prefix: bob/ } }
`,
  'bob.config.yaml',
);

describe('MailForwarder', () => {
  describe('with defaults', () => {
    let template: Template;

    beforeAll(() => {
      // Prepare
      const stack = nagStack();
      new MailForwarder(stack, 'Alice', { config: ALICE });

      // Act (cdk-nag runs here: an unacknowledged finding would throw ValidationFailed)
      template = Template.fromStack(stack);
    });

    it('runs on Node 24 on arm64 with 512 MB and a 5 minute timeout', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 300,
        Handler: 'index.handler',
        Environment: {
          Variables: {
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=2',
          },
        },
      });
    });

    it('never runs two polls at once: reserved concurrency 1', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1 });
    });

    it('polls every 5 minutes through EventBridge Scheduler, with no Scheduler retries', () => {
      // Assess
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AliceFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 },
        },
      });
    });

    it('leaves retries to the next tick and drops a tick older than one interval', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 300,
        Qualifier: '$LATEST',
      });
    });

    it('creates the bucket the config names: private, TLS only, encrypted, versioned, retained', () => {
      // Assess
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BucketName: 'popfwd-archive-example',
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          VersioningConfiguration: { Status: 'Enabled' },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        },
      });
    });

    it('denies any request without TLS 1.2 in the bucket policy', () => {
      // Assess
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    });

    it('aborts incomplete multipart uploads and expires old versions', () => {
      // Assess
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              Status: 'Enabled',
            }),
            Match.objectLike({ ExpiredObjectDeleteMarker: true }),
          ]),
        },
      });
    });

    it('keeps raw mail in S3 Standard unless a transition is asked for', () => {
      // Assess
      const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
      expect(JSON.stringify(buckets)).not.toContain('Transitions');
    });

    it('scopes every object action to the mailbox prefix, and list to this bucket alone', () => {
      // Prepare
      const statements = roleStatements(template, 'AliceRole');

      // Assess
      expect(statements).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Allow',
            Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
            Resource: [
              expect.objectContaining({
                'Fn::GetAtt': [expect.stringMatching(/^AliceArchive/), 'Arn'],
              }),
              {
                'Fn::Join': [
                  '',
                  [{ 'Fn::GetAtt': [expect.stringMatching(/^AliceArchive/), 'Arn'] }, '/alice/*'],
                ],
              },
            ],
          },
          expect.objectContaining({
            Action: expect.arrayContaining(['s3:PutObject', 's3:Abort*']),
            Resource: {
              'Fn::Join': [
                '',
                [{ 'Fn::GetAtt': [expect.stringMatching(/^AliceArchive/), 'Arn'] }, '/alice/*'],
              ],
            },
          }),
          expect.objectContaining({
            Action: 's3:DeleteObject*',
            Resource: {
              'Fn::Join': [
                '',
                [{ 'Fn::GetAtt': [expect.stringMatching(/^AliceArchive/), 'Arn'] }, '/alice/*'],
              ],
            },
          }),
        ]),
      );
    });

    it('grants no resource wildcard beyond the prefix', () => {
      // Prepare
      const resources = JSON.stringify(
        roleStatements(template, 'AliceRole').map(
          (statement) => (statement as { Resource: unknown }).Resource,
        ),
      );

      // Assess
      expect(resources.match(/\*/g)).toHaveLength(3);
      expect(resources.match(/\/alice\/\*/g)).toHaveLength(3);
    });

    it('reads the refresh token and writes it back, on that exact parameter only', () => {
      // Prepare
      const statements = roleStatements(template, 'AliceRole');
      const ssmStatements = statements.filter((statement) =>
        JSON.stringify(statement).includes('ssm:'),
      );

      // Assess
      expect(ssmStatements).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'ssm:DescribeParameters',
            'ssm:GetParameters',
            'ssm:GetParameter',
            'ssm:GetParameterHistory',
          ],
          Resource: parameterArn('/popfwd/alice/refresh-token'),
        },
        {
          Effect: 'Allow',
          Action: 'ssm:PutParameter',
          Resource: parameterArn('/popfwd/alice/refresh-token'),
        },
      ]);
    });

    it('needs no KMS grant: SecureStrings use the aws/ssm key', () => {
      // Assess
      const statements = JSON.stringify(roleStatements(template, 'AliceRole'));
      expect(statements).not.toContain('kms:');
    });

    it('writes logs to its own log group, kept three months', () => {
      // Assess
      template.hasResource('AWS::Logs::LogGroup', {
        DeletionPolicy: 'Delete',
        Properties: { RetentionInDays: 90 },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^AliceLogs') } },
      });
      template.resourcePropertiesCountIs(
        'AWS::IAM::Role',
        { ManagedPolicyArns: Match.anyValue() },
        0,
      );
    });

    it('alarms on three failed polls in a row', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^AliceFunction') } },
        ],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 3,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarms on the first auth failure, on the metric the handler emits', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'popfwd',
        MetricName: 'authFailures',
        Dimensions: Match.arrayEquals([
          { Name: 'mailbox', Value: 'alice@example.com' },
          { Name: 'service', Value: 'popfwd' },
        ]),
        EvaluationPeriods: 1,
        Threshold: 1,
      });
    });

    it('alarms when no run succeeded for 6 hours, missing data included', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'popfwd',
        MetricName: 'runSucceeded',
        Statistic: 'Sum',
        Period: 21_600,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    it('sends every alarm and its recovery to its own topic, TLS only', () => {
      // Assess
      template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
      template.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        {
          AlarmActions: [{ Ref: Match.stringLikeRegexp('^AliceAlarmTopic') }],
          OKActions: [{ Ref: Match.stringLikeRegexp('^AliceAlarmTopic') }],
        },
        4,
      );
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });
  });

  describe('with a password login', () => {
    it('reads the password and never writes it', () => {
      // Prepare
      const stack = nagStack();
      new MailForwarder(stack, 'Bob', { config: BOB_PASSWORD });

      // Act
      const statements = JSON.stringify(roleStatements(Template.fromStack(stack), 'BobRole'));

      // Assess
      expect(statements).toContain(':parameter/popfwd/bob/password');
      expect(statements).not.toContain('ssm:PutParameter');
    });
  });

  describe('with options', () => {
    let template: Template;

    beforeAll(() => {
      // Prepare
      const stack = nagStack();
      new MailForwarder(stack, 'Alice', {
        config: ALICE,
        pollEvery: Duration.minutes(15),
        memorySize: 1024,
        timeout: Duration.minutes(10),
        logLevel: 'DEBUG',
        archiveRawMailAfter: Duration.days(90),
        archiveStorageClass: s3.StorageClass.DEEP_ARCHIVE,
        noSuccessAlarmAfter: Duration.hours(12),
      });

      // Act
      template = Template.fromStack(stack);
    });

    it('polls at the rate asked for', () => {
      // Assess
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(15 minutes)',
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 1024,
        Timeout: 600,
        Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }) },
      });
    });

    it('moves only raw mail of this mailbox to the storage class asked for', () => {
      // Assess
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Prefix: 'alice/alice@example.com/raw/',
              Transitions: [{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 90 }],
            }),
          ]),
        },
      });
    });

    it('widens the no-success window as asked', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'runSucceeded',
        Period: 43_200,
      });
    });
  });

  describe('with a bucket and topic from elsewhere', () => {
    it('creates neither, and scopes its grants to that bucket name', () => {
      // Prepare
      const stack = nagStack();
      const bucket = s3.Bucket.fromBucketName(stack, 'Existing', 'popfwd-archive-example');
      const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });

      // Act
      new MailForwarder(stack, 'Alice', { config: ALICE, bucket, alarmTopic: topic });
      const template = Template.fromStack(stack);

      // Assess
      template.resourceCountIs('AWS::S3::Bucket', 0);
      template.resourceCountIs('AWS::SNS::Topic', 1);
      expect(JSON.stringify(roleStatements(template, 'AliceRole'))).toContain(
        ':s3:::popfwd-archive-example/alice/*',
      );
    });
  });

  describe('validation', () => {
    it.each([
      ['90 seconds', Duration.seconds(90)],
      ['2 hours', Duration.hours(2)],
    ])('fails for a poll interval of %s', (_label, pollEvery) => {
      // Act
      const create = () => new MailForwarder(new Stack(), 'Alice', { config: ALICE, pollEvery });

      // Assess
      expect(create).toThrow(/pollEvery must be whole minutes from 1 to 60/);
    });

    it('fails for a timeout beyond the Lambda limit', () => {
      // Act
      const create = () =>
        new MailForwarder(new Stack(), 'Alice', { config: ALICE, timeout: Duration.minutes(20) });

      // Assess
      expect(create).toThrow(/timeout must be from 1 to 15 minutes/);
    });

    it('fails for a no-success window that is not whole hours', () => {
      // Act
      const create = () =>
        new MailForwarder(new Stack(), 'Alice', {
          config: ALICE,
          noSuccessAlarmAfter: Duration.minutes(90),
        });

      // Assess
      expect(create).toThrow(/noSuccessAlarmAfter must be whole hours from 1 to 24/);
    });

    it('fails for a no-success window shorter than two polls', () => {
      // Act
      const create = () =>
        new MailForwarder(new Stack(), 'Alice', {
          config: ALICE,
          pollEvery: Duration.minutes(60),
          noSuccessAlarmAfter: Duration.hours(1),
        });

      // Assess
      expect(create).toThrow(/noSuccessAlarmAfter must span at least two polls/);
    });
  });
});
