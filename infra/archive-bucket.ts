import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Where raw messages live under a mailbox's prefix; the lifecycle transition targets only these
 * keys, because the state documents next to them must stay readable at once.
 */

export interface ArchiveBucketProps {
  /**
   * The bucket's physical name: the config's `store.s3.bucket`, so the same config file works for
   * the Lambda and for `popfwd archive list` on your machine.
   */
  readonly bucketName: string;

  /**
   * How long an overwritten or deleted object version is kept. Raw messages are written once;
   * state documents are overwritten on every run, so this bounds what versioning costs.
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;
}

export interface RawMailTransition {
  /** Age of a raw message before it moves. */
  readonly after: Duration;
  /** @default s3.StorageClass.GLACIER_INSTANT_RETRIEVAL (still readable without a restore) */
  readonly storageClass?: s3.StorageClass;
}

/**
 * The S3 archive: private, TLS only, encrypted, versioned, and retained when the stack is
 * deleted: the archive outlives the deployment.
 */
export class ArchiveBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // Versioning is the backstop for "nothing is lost": an object deleted or overwritten by a
      // bug or a leaked key can be recovered for noncurrentVersionExpiration.
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'abort-incomplete-uploads',
          // A Lambda timed out mid-upload leaves parts that are billed until aborted.
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
        },
        { id: 'expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the popfwd function writes to this bucket; server access logs would need a second ' +
        'bucket and add nothing CloudTrail S3 data events cannot give when an audit needs them.',
    });
  }

  /**
   * Moves one mailbox's raw mail (`rawMailKeyPrefix`) to a colder storage class after a while;
   * its records and state stay where they are, instantly readable.
   */
  transitionRawMail(rawMailKeyPrefix: string, transition: RawMailTransition): void {
    this.bucket.addLifecycleRule({
      id: `raw-mail-${rawMailKeyPrefix}`,
      prefix: rawMailKeyPrefix,
      transitions: [
        {
          storageClass: transition.storageClass ?? s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
          transitionAfter: transition.after,
        },
      ],
    });
  }
}
