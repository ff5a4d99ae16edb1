import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { embedConfig } from '../lambda/aws/embedded-config.js';
import { ArchiveBucket } from './archive-bucket.js';
import { type DeployConfig, rawMailKeyPrefix } from './deploy-config.js';
import { MailboxMonitoring } from './mailbox-monitoring.js';
import { nagReference } from './nag-reference.js';
import { validateTiming } from './validate-timing.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Lets CommonJS dependencies (nodemailer, mailparser) `require` inside the ESM bundle. */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire as popfwdCreateRequire } from 'node:module'; " +
  'const require = popfwdCreateRequire(import.meta.url);';

/**
 * Module substitutions in the Lambda bundle; paths are relative to the project root, where esbuild
 * runs.
 * - libmime: one copy. @zone-eu/mailsplit require()s its CommonJS build while popfwd and
 *   mailparser import its ESM build, which would put both in the bundle (95 KB).
 * - iconv-lite and encoding-japanese, which libmime decodes charsets with (580 KB of tables):
 *   lambda/bundle-shims/ decodes the same charsets with Node's TextDecoder and small tables instead.
 */
export const BUNDLE_ALIASES = {
  libmime: './node_modules/libmime/dist/cjs/libmime.js',
  'iconv-lite': './lambda/bundle-shims/iconv-lite.ts',
  'encoding-japanese': './lambda/bundle-shims/encoding-japanese.ts',
} as const;

/**
 * Node options of the function. Source maps make stack traces in the logs readable. A 2 MB young
 * generation keeps the peak low: mail streams through short-lived buffers (TLS records, archive
 * writes) that V8's default of up to 16 MB per semi-space would let pile up between collections —
 * on Node 24 a run with a 41 MB message peaks at ~120 MB instead of ~185 MB, at the same CPU time.
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=2';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LambdaLogLevel = (typeof LOG_LEVELS)[number];

export interface MailForwarderProps {
  /** The mailbox's config, validated for deployment (readDeployConfig / deployConfig). */
  readonly config: DeployConfig;

  /**
   * The bucket the config's `store.s3.bucket` names, when it is created elsewhere (e.g. shared
   * by several mailboxes, or kept from an earlier deployment).
   * @default - a new ArchiveBucket with that name
   */
  readonly bucket?: s3.IBucket;

  /**
   * Moves raw mail to a colder storage class after this age; only for the bucket this construct
   * creates (pass ArchiveBucket.transitionRawMail yourself otherwise).
   * @default - raw mail stays in S3 Standard
   */
  readonly archiveRawMailAfter?: Duration;

  /**
   * Storage class for archiveRawMailAfter. GLACIER and DEEP_ARCHIVE are cheaper but need a restore
   * before a message can be read again (e.g. to retry a forward).
   * @default s3.StorageClass.GLACIER_INSTANT_RETRIEVAL
   */
  readonly archiveStorageClass?: s3.StorageClass;

  /**
   * How often the mailbox is polled, in whole minutes from 1 minute to 1 hour.
   * @default Duration.minutes(5)
   */
  readonly pollEvery?: Duration;

  /** @default 512 */
  readonly memorySize?: number;

  /**
   * Lambda timeout; the run stops cleanly 15 s before it (and never runs longer than the
   * config's limits.runTimeout).
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;

  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;

  /** Sets POWERTOOLS_LOG_LEVEL. @default 'INFO' */
  readonly logLevel?: LambdaLogLevel;

  /**
   * Where alarms notify (alarm and back to OK).
   * @default - a new topic without subscriptions
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * The "no successful run" alarm fires when no run has completed for this long (whole hours,
   * 1 to 24, at least two polls).
   * @default Duration.hours(6)
   */
  readonly noSuccessAlarmAfter?: Duration;
}

/**
 * One mailbox in AWS: a scheduled Lambda that polls it, archives to its prefix of an S3 bucket,
 * reads its secrets from SSM, and reports through logs, metrics and alarms. Several mailboxes are
 * several instances.
 */
export class MailForwarder extends Construct {
  readonly handler: nodejs.NodejsFunction;
  readonly bucket: s3.IBucket;
  /** The mailbox's key prefix; the function may touch no other object in the bucket. */
  readonly prefix: string;
  readonly logGroup: logs.LogGroup;
  readonly schedule: scheduler.Schedule;
  readonly alarmTopic: sns.ITopic;
  readonly monitoring: MailboxMonitoring;

  constructor(scope: Construct, id: string, props: MailForwarderProps) {
    super(scope, id);
    const { config } = props;
    const pollEvery = props.pollEvery ?? Duration.minutes(5);
    const timeout = props.timeout ?? Duration.minutes(5);
    const noSuccessAlarmAfter = props.noSuccessAlarmAfter ?? Duration.hours(6);
    validateTiming({ pollEvery, timeout, noSuccessAlarmAfter });
    for (const warning of config.warnings) {
      Annotations.of(this).addWarningV2('popfwd:config', `${config.source}: ${warning}`);
    }

    this.prefix = config.prefix;
    this.bucket = props.bucket ?? this.createBucket(props);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // Logs go with the stack; the archive (the bucket) is what outlives it.
      removalPolicy: RemovalPolicy.DESTROY,
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `popfwd function for ${config.address}`,
    });
    this.handler = this.createFunction(props, { role, pollEvery, timeout });
    this.grantAccess(config, role);
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.rate(pollEvery),
      // The next tick is the retry (see retryAttempts on the function).
      target: new targets.LambdaInvoke(this.handler, { retryAttempts: 0, maxEventAge: pollEvery }),
      timeWindow: scheduler.TimeWindow.off(),
      description: `popfwd: poll ${config.address}`,
    });
    this.acknowledgeScheduleRole();

    this.alarmTopic = props.alarmTopic ?? new sns.Topic(this, 'AlarmTopic', { enforceSSL: true });
    this.monitoring = new MailboxMonitoring(this, 'Monitoring', {
      mailbox: config.address,
      handler: this.handler,
      topic: this.alarmTopic,
      pollEvery,
      noSuccessAlarmAfter,
    });
  }

  private createBucket(props: MailForwarderProps): s3.IBucket {
    const archive = new ArchiveBucket(this, 'Archive', { bucketName: props.config.bucketName });
    if (props.archiveRawMailAfter) {
      archive.transitionRawMail(rawMailKeyPrefix(props.config), {
        after: props.archiveRawMailAfter,
        ...(props.archiveStorageClass ? { storageClass: props.archiveStorageClass } : {}),
      });
    }
    return archive.bucket;
  }

  private createFunction(
    props: MailForwarderProps,
    { role, pollEvery, timeout }: { role: iam.IRole; pollEvery: Duration; timeout: Duration },
  ): nodejs.NodejsFunction {
    return new nodejs.NodejsFunction(this, 'Function', {
      entry: join(ROOT, 'lambda', 'aws', 'handler.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      description: `popfwd: polls ${props.config.address}`,
      // The newest Node runtime: the longest support window, and what cdk-nag L1 asks for.
      // Pinned rather than NODEJS_LATEST so a CDK upgrade never changes the runtime unseen.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      role,
      logGroup: this.logGroup,
      // One writer per mailbox: never two polls at once (the engine's lease covers the CLI).
      reservedConcurrentExecutions: 1,
      // The next scheduled poll is the retry. Lambda's own retries would log in again within
      // minutes after an auth failure, and a tick that waits behind a long poll is dropped once
      // the next tick is due instead of queueing a backlog of back-to-back polls.
      retryAttempts: 0,
      maxEventAge: pollEvery,
      environment: {
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Ship the SDK we tested (conditional writes need client-s3 >= 3.700), not the runtime's.
        bundleAwsSDK: true,
        define: embedConfig(props.config.document),
        esbuildArgs: {
          ...Object.fromEntries(
            Object.entries(BUNDLE_ALIASES).map(([name, path]) => [`--alias:${name}`, path]),
          ),
          // Non-ASCII text stays UTF-8 instead of \u escapes (charset tables, mail libraries):
          // 46 KB. Passed here because this aws-cdk-lib ignores the `charset` bundling prop.
          '--charset': 'utf8',
        },
      },
    });
  }

  private grantAccess(config: DeployConfig, role: iam.Role): void {
    this.logGroup.grantWrite(role);
    const objects = `${config.prefix}*`;
    this.bucket.grantRead(role, objects);
    this.bucket.grantPut(role, objects);
    this.bucket.grantDelete(role, objects);
    for (const parameter of config.parameters) {
      // SecureStrings cannot be created by CloudFormation: they exist already (README, Deploy).
      // With the default aws/ssm key no KMS grant is needed: its key policy lets every principal
      // of the account use it through SSM.
      const secret = ssm.StringParameter.fromSecureStringParameterAttributes(
        this,
        `Parameter:${parameter.field}`,
        { parameterName: parameter.name },
      );
      secret.grantRead(role);
      if (parameter.writable) secret.grantWrite(role);
    }
    this.acknowledgeObjectGrants(role, objects);
  }

  /** Each wildcard a grant wrote, named exactly, with what it is for. */
  private acknowledgeObjectGrants(role: iam.Role, objects: string): void {
    const bucketArn = nagReference(this, this.bucket.bucketArn);
    const onKeys = `on this mailbox's keys "${objects}" only`;
    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${objects}]`,
        reason: `Object actions are limited to the mailbox's prefix; below it the keys are one per message (named by UIDL) plus the mailbox's state.`,
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
        reason: `Bucket.grantRead ${onKeys}: reads archived messages and state documents.`,
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        reason: 'Bucket.grantRead on this one bucket: bucket metadata, never object content.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:List*]',
        reason:
          'Bucket.grantRead on this one bucket: ListBucket lists the archive and makes a read of ' +
          'a missing key return 404 instead of 403; it shows key names, never content.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: `Bucket.grantPut ${onKeys}: large messages are multipart uploads, aborted when a run is cut short.`,
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        reason: `Bucket.grantDelete ${onKeys}: the store removes the mailbox's own objects (e.g. a released lease).`,
      },
    );
  }

  /** The target role is one per stack (SchedulerRoleForTarget-…): acknowledged there, per function. */
  private acknowledgeScheduleRole(): void {
    Validations.of(Stack.of(this)).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(this, this.handler.functionArn)}:*]`,
      reason:
        'LambdaInvoke grants invoke on the function and its versions; the schedule can invoke ' +
        'nothing but this one function.',
    });
  }
}
