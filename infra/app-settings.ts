import * as z from 'zod';
import { formatIssues } from '../lambda/config/issues.js';
import { configError } from '../lambda/config/parse.js';
import { parseDuration } from '../lambda/units.js';

/**
 * What the CDK app reads from its context: cdk.json, or `-c key=value` on the command line (where
 * every value is a string, so lists may also be comma-separated and numbers may be text).
 */
export const CONTEXT_KEYS = {
  configs: 'popfwd:configs',
  stackName: 'popfwd:stackName',
  alarmEmail: 'popfwd:alarmEmail',
  existingBuckets: 'popfwd:existingBuckets',
  archiveRawMailAfterDays: 'popfwd:archiveRawMailAfterDays',
  archiveStorageClass: 'popfwd:archiveStorageClass',
  dashboard: 'popfwd:dashboard',
} as const;

export const ARCHIVE_STORAGE_CLASSES = ['GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
export type ArchiveStorageClass = (typeof ARCHIVE_STORAGE_CLASSES)[number];

export interface MailboxEntry {
  /** The config file, relative to the project directory. */
  readonly file: string;
  /** Poll interval in ms, when the entry sets `every`. */
  readonly pollEveryMs: number | undefined;
}

export interface AppSettings {
  readonly stackName: string;
  readonly mailboxes: readonly MailboxEntry[];
  readonly alarmEmail: string | undefined;
  readonly existingBuckets: readonly string[];
  readonly archiveRawMailAfterDays: number | undefined;
  readonly archiveStorageClass: ArchiveStorageClass;
  readonly dashboard: boolean;
}

const list = (value: unknown): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : value;

const every = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "5m", got "${value}"` });
    return z.NEVER;
  }
  return ms;
});

const entry = z.union(
  [
    z
      .string()
      .min(1)
      .transform((file) => ({ file, pollEveryMs: undefined })),
    z
      .strictObject({ file: z.string().min(1), every: every.optional() })
      .transform(({ file, every: ms }) => ({ file, pollEveryMs: ms })),
  ],
  { error: 'expected a config file name, or { "file": NAME, "every": "5m" }' },
);

const settingsSchema = z.object({
  [CONTEXT_KEYS.configs]: z.preprocess(
    list,
    z.array(entry, { error: 'expected a list of config files' }).min(1, {
      error: 'list at least one config file, e.g. ["popfwd.config.yaml"]',
    }),
  ),
  [CONTEXT_KEYS.stackName]: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { error: 'expected a CloudFormation stack name' })
    .default('Popfwd'),
  [CONTEXT_KEYS.alarmEmail]: z.email({ error: 'expected an e-mail address' }).optional(),
  [CONTEXT_KEYS.existingBuckets]: z.preprocess(list, z.array(z.string().min(1)).default([])),
  [CONTEXT_KEYS.archiveRawMailAfterDays]: z.coerce
    .number({ error: 'expected a number of days' })
    .int()
    .min(1, { error: 'expected a number of days ≥ 1' })
    .optional(),
  [CONTEXT_KEYS.archiveStorageClass]: z
    .enum(ARCHIVE_STORAGE_CLASSES, {
      error: `expected one of ${ARCHIVE_STORAGE_CLASSES.join(', ')}`,
    })
    .default('GLACIER_IR'),
  [CONTEXT_KEYS.dashboard]: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')], {
      error: 'expected true or false',
    })
    .default(true),
});

/** Reads and validates the app's context; errors name the context key. */
export const appSettings = (context: (key: string) => unknown): AppSettings => {
  const raw = Object.fromEntries(
    Object.values(CONTEXT_KEYS).map((key) => [key, context(key) ?? undefined]),
  );
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    throw configError('the CDK context (cdk.json or -c)', formatIssues(result.error.issues, raw));
  }
  const data = result.data;
  return {
    stackName: data[CONTEXT_KEYS.stackName],
    mailboxes: data[CONTEXT_KEYS.configs],
    alarmEmail: data[CONTEXT_KEYS.alarmEmail],
    existingBuckets: data[CONTEXT_KEYS.existingBuckets],
    archiveRawMailAfterDays: data[CONTEXT_KEYS.archiveRawMailAfterDays],
    archiveStorageClass: data[CONTEXT_KEYS.archiveStorageClass],
    dashboard: data[CONTEXT_KEYS.dashboard],
  };
};
