import { resolve } from 'node:path';
import { type App, Duration, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type ArchiveStorageClass, appSettings } from './app-settings.js';
import { readDeployConfig } from './deploy-config.js';
import { PopfwdStack } from './popfwd-stack.js';

const STORAGE_CLASSES: Readonly<Record<ArchiveStorageClass, s3.StorageClass>> = {
  GLACIER_IR: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
  GLACIER: s3.StorageClass.GLACIER,
  DEEP_ARCHIVE: s3.StorageClass.DEEP_ARCHIVE,
};

/**
 * The popfwd CDK app on `app`: settings from the context, each config file validated for the
 * Lambda (errors name the file and the field), one stack, and cdk-nag's AwsSolutions checks,
 * whose unacknowledged findings fail the synth.
 */
export const buildApp = (app: App, projectDir: string = process.cwd()): PopfwdStack => {
  const settings = appSettings((key) => app.node.tryGetContext(key));
  const stack = new PopfwdStack(app, settings.stackName, {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'popfwd: polls POP3 mailboxes, archives to S3, forwards and auto-replies',
    mailboxes: settings.mailboxes.map((entry) => ({
      config: readDeployConfig(resolve(projectDir, entry.file)),
      ...(entry.pollEveryMs === undefined ? {} : { pollEvery: Duration.millis(entry.pollEveryMs) }),
    })),
    ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    existingBuckets: settings.existingBuckets,
    ...(settings.archiveRawMailAfterDays === undefined
      ? {}
      : { archiveRawMailAfter: Duration.days(settings.archiveRawMailAfterDays) }),
    archiveStorageClass: STORAGE_CLASSES[settings.archiveStorageClass],
    dashboard: settings.dashboard,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
};
