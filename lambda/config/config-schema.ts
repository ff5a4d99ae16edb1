import * as z from 'zod';
import { rulesSchema } from '../rules/rule-schema.js';
import type { VacationConfig } from '../rules/vacation-config.js';
import { durationSchema, sizeSchema } from '../unit-schemas.js';
import { PRESET_NAMES } from './presets.js';

/**
 * The configuration file (YAML or JSON), as README.md shows it. Secrets are references, never
 * values. Every object is strict, so a misspelt field is an error that names it.
 */

const noControlChars = (label: string) =>
  z
    .string()
    .min(1, { error: `${label} must not be empty` })
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), {
      error: `${label} must not contain control characters (CR, LF, NUL, …)`,
    });

export const emailAddress = z.email({ error: 'expected an e-mail address like alice@example.com' });

const hostName = noControlChars('host').refine((value) => !/\s/.test(value), {
  error: 'host must not contain spaces',
});

const port = z
  .number({ error: 'expected a port number' })
  .int()
  .min(1, { error: 'expected a port from 1 to 65535' })
  .max(65535, { error: 'expected a port from 1 to 65535' });

/** A calendar date ("2026-12-31") or an ISO timestamp; YAML may also hand us a Date. */
const dateValue = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a date like "2026-12-31", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return date.toISOString();
});

export const secretRefSchema = z.union(
  [
    z.strictObject({
      env: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' }),
    }),
    z.strictObject({ file: noControlChars('file') }),
    z.strictObject({
      ssm: z.string().regex(/^\/?[A-Za-z0-9_.\-/]{1,2048}$/, {
        error: 'expected an SSM parameter name like /popfwd/alice/password',
      }),
    }),
  ],
  {
    error:
      'expected a secret reference: { env: NAME }, { file: PATH } or { ssm: NAME } (never the secret itself)',
  },
);
export type SecretRef = z.output<typeof secretRefSchema>;

export const SECURITY_MODES = ['tls', 'starttls', 'plain'] as const;
export type Security = (typeof SECURITY_MODES)[number];
const security = z.enum(SECURITY_MODES, { error: 'expected tls, starttls or plain' });

const DEFAULT_POP3_PORT: Record<Security, number> = { tls: 995, starttls: 110, plain: 110 };
const DEFAULT_SMTP_PORT: Record<Security, number> = { tls: 465, starttls: 587, plain: 25 };

const pop3Schema = z
  .strictObject({
    host: hostName,
    port: port.optional(),
    security: security.default('tls'),
    /** `auto` pipelines when the server advertises PIPELINING; `off` never does. */
    pipelining: z.enum(['auto', 'off']).default('auto'),
  })
  .transform((pop3) => ({ ...pop3, port: pop3.port ?? DEFAULT_POP3_PORT[pop3.security] }));
export type Pop3Config = z.output<typeof pop3Schema>;

const smtpSchema = z
  .strictObject({
    host: hostName,
    port: port.optional(),
    security: security.default('starttls'),
  })
  .transform((smtp) => ({ ...smtp, port: smtp.port ?? DEFAULT_SMTP_PORT[smtp.security] }));
export type SmtpConfig = z.output<typeof smtpSchema>;

export const OUTLOOK_SCOPES = [
  'https://outlook.office.com/POP.AccessAsUser.All',
  'https://outlook.office.com/SMTP.Send',
  'offline_access',
] as const;

const passwordAuthSchema = z.strictObject({
  method: z.literal('password'),
  /** Login name; defaults to the mailbox address. */
  user: noControlChars('user').optional(),
  password: secretRefSchema,
});

const oauth2AuthSchema = z.strictObject({
  method: z.literal('oauth2'),
  user: noControlChars('user').optional(),
  clientId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, {
    error: 'expected the application (client) ID of your Entra app registration',
  }),
  tenant: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, {
      error: 'expected consumers, common, organizations or a tenant ID',
    })
    .default('consumers'),
  authority: z
    .url({ protocol: /^https?$/, error: 'expected a URL like https://login.microsoftonline.com' })
    .default('https://login.microsoftonline.com'),
  scopes: z
    .array(z.string().min(1))
    .min(1)
    .default([...OUTLOOK_SCOPES]),
  refreshToken: secretRefSchema,
});

export const authSchema = z.discriminatedUnion('method', [passwordAuthSchema, oauth2AuthSchema], {
  error: 'expected auth.method to be password or oauth2',
});
export type AuthConfig = z.output<typeof authSchema>;

export const retentionSchema = z.union(
  [
    z.enum(['keep', 'delete']),
    z.strictObject({
      deleteAfterDays: z.number().int().min(0, { error: 'expected a number of days ≥ 0' }),
    }),
  ],
  { error: 'expected keep, delete or { deleteAfterDays: N }' },
);
export type Retention = z.output<typeof retentionSchema>;

export const mailboxSchema = z.strictObject({
  address: emailAddress,
  preset: z.enum(PRESET_NAMES, { error: `expected one of: ${PRESET_NAMES.join(', ')}` }).optional(),
  pop3: pop3Schema,
  smtp: smtpSchema.optional(),
  /** Extra trusted CA (PEM), for self-hosted servers and tests. System CAs stay trusted. */
  caFile: noControlChars('caFile').optional(),
  auth: authSchema,
  retention: retentionSchema.default('keep'),
});
export type MailboxConfig = z.output<typeof mailboxSchema>;

const s3StoreSchema = z.strictObject({
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'expected an S3 bucket name' }),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, { error: 'expected a key prefix of safe characters' })
    .default(''),
  region: z.string().min(1).optional(),
  endpoint: z.url().optional(),
  forcePathStyle: z.boolean().default(false),
  /** `when_required` for S3-compatible stores that reject the SDK's default CRC32 checksums. */
  checksums: z.enum(['when_supported', 'when_required']).default('when_supported'),
});

export const storeSchema = z.union(
  [z.strictObject({ dir: noControlChars('dir') }), z.strictObject({ s3: s3StoreSchema })],
  {
    error: 'expected { dir: PATH } or { s3: { bucket, prefix, region } }',
  },
);
export type StoreConfig = z.output<typeof storeSchema>;

export const limitsSchema = z.strictObject({
  maxMessagesPerRun: z.number().int().min(1).default(500),
  /** Counted in bytes received, not in the sizes the server lists. */
  maxBytesPerRun: sizeSchema.prefault('2GiB'),
  /**
   * The largest message read; a larger one stays on the server, recorded as failed. Outlook.com
   * takes attachments up to 25 MB, and Exchange Online, where its mailboxes live, no message over
   * 150 MB: the default refuses nothing Outlook.com can hold.
   */
  maxMessageSize: sizeSchema.prefault('150MiB'),
  /** Hard cap for one run's wall time; the Lambda uses its own remaining time when shorter. */
  runTimeout: durationSchema.prefault('10m'),
  maxSendsPerDay: z.number().int().min(0).default(200),
  /** Body text a rule may search; longer bodies are searched up to this size. */
  bodyScanLimit: sizeSchema.prefault('1MB'),
});
export type LimitsConfig = z.output<typeof limitsSchema>;

/** The rules read this block through their own type (rules/vacation-config.ts), checked here. */
export const vacationSchema = z.strictObject({
  enabled: z.boolean().default(false),
  from: dateValue.optional(),
  until: dateValue.optional(),
  subject: noControlChars('subject').default('Out of office'),
  body: z.string().min(1, { error: 'the vacation body must not be empty' }),
  days: z.number().int().min(1).max(365).default(7),
  /** Other addresses of yours: mail to them counts as addressed to you. */
  addresses: z.array(emailAddress).default([]),
}) satisfies z.ZodType<VacationConfig>;

export const configSchema = z.strictObject({
  mailbox: mailboxSchema,
  store: storeSchema.default({ dir: './popfwd-data' }),
  limits: limitsSchema.prefault({}),
  rules: rulesSchema.default([]),
  vacation: vacationSchema.optional(),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
