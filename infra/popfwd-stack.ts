import { Annotations, CfnOutput, type Duration, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ArchiveBucket } from './archive-bucket.js';
import { type DeployConfig, rawMailKeyPrefix } from './deploy-config.js';
import { conflictBetween, regionMismatch } from './deploy-conflicts.js';
import { MailForwarder } from './mail-forwarder.js';

export interface MailboxDeployment {
  readonly config: DeployConfig;
  /** @default Duration.minutes(5) */
  readonly pollEvery?: Duration;
}

export interface PopfwdStackProps extends StackProps {
  /** One entry per mailbox; each gets its own function, schedule, prefix, log group and alarms. */
  readonly mailboxes: readonly MailboxDeployment[];

  /**
   * Subscribes this address to the alarm topic (AWS sends a confirmation mail first).
   * @default - no subscription
   */
  readonly alarmEmail?: string;

  /**
   * Bucket names that exist already, e.g. retained from an earlier deployment: the stack uses
   * them but does not create or configure them.
   * @default - the stack creates every bucket the configs name
   */
  readonly existingBuckets?: readonly string[];

  /**
   * Moves raw mail to archiveStorageClass after this age (buckets the stack creates).
   * @default - raw mail stays in S3 Standard
   */
  readonly archiveRawMailAfter?: Duration;

  /** @default s3.StorageClass.GLACIER_INSTANT_RETRIEVAL */
  readonly archiveStorageClass?: s3.StorageClass;

  /**
   * A CloudWatch dashboard with a row per mailbox. It costs $3 a month beyond the three dashboards
   * an account gets free; the alarms work without it.
   * @default true
   */
  readonly dashboard?: boolean;
}

/** The popfwd deployment: one MailForwarder per mailbox, their buckets, alarm topic and dashboard. */
export class PopfwdStack extends Stack {
  readonly forwarders: readonly MailForwarder[];
  readonly alarmTopic: sns.Topic;
  /** Undefined when props.dashboard is false. */
  readonly dashboard: cloudwatch.Dashboard | undefined;
  private readonly archives = new Map<string, ArchiveBucket>();
  private readonly existing = new Map<string, s3.IBucket>();

  constructor(scope: Construct, id: string, props: PopfwdStackProps) {
    super(scope, id, props);
    if (props.mailboxes.length === 0) {
      throw new Error('mailboxes must list at least one mailbox config, got none');
    }
    const configs = props.mailboxes.map((mailbox) => mailbox.config);
    const conflict = conflictBetween(configs);
    if (conflict) throw conflict;

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'popfwd alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    this.forwarders = props.mailboxes.map(
      ({ config, pollEvery }) =>
        new MailForwarder(this, config.address, {
          config,
          bucket: this.bucketFor(config, props),
          alarmTopic: this.alarmTopic,
          ...(pollEvery ? { pollEvery } : {}),
        }),
    );
    this.dashboard =
      props.dashboard === false
        ? undefined
        : new cloudwatch.Dashboard(this, 'Dashboard', {
            widgets: this.forwarders.map((forwarder) => forwarder.monitoring.widgets()),
          });

    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    if (this.dashboard) {
      new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName });
    }
    for (const forwarder of this.forwarders) {
      new CfnOutput(forwarder, 'FunctionName', { value: forwarder.handler.functionName });
      new CfnOutput(forwarder, 'LogGroupName', { value: forwarder.logGroup.logGroupName });
    }
  }

  /** One bucket per distinct store.s3.bucket; mailboxes sharing it keep to their prefixes. */
  private bucketFor(config: DeployConfig, props: PopfwdStackProps): s3.IBucket {
    const name = config.bucketName;
    if (props.existingBuckets?.includes(name)) {
      if (props.archiveRawMailAfter) {
        Annotations.of(this).addWarningV2(
          'popfwd:existing-bucket-lifecycle',
          `bucket ${name} exists already: its lifecycle rules are yours to set`,
        );
      }
      const bucket =
        this.existing.get(name) ?? s3.Bucket.fromBucketName(this, `Existing-${name}`, name);
      this.existing.set(name, bucket);
      return bucket;
    }
    if (!Token.isUnresolved(this.region)) {
      const mismatch = regionMismatch(config, this.region);
      if (mismatch) throw mismatch;
    }
    const archive = this.archives.get(name) ?? this.createArchive(name);
    if (props.archiveRawMailAfter) {
      archive.transitionRawMail(rawMailKeyPrefix(config), {
        after: props.archiveRawMailAfter,
        ...(props.archiveStorageClass ? { storageClass: props.archiveStorageClass } : {}),
      });
    }
    return archive.bucket;
  }

  private createArchive(name: string): ArchiveBucket {
    const archive = new ArchiveBucket(this, `Archive-${name}`, { bucketName: name });
    new CfnOutput(archive, 'BucketName', { value: archive.bucket.bucketName });
    this.archives.set(name, archive);
    return archive;
  }
}
