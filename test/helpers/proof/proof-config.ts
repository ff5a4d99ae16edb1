import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigInput } from '../../../lambda/config/config-schema.js';
import { TLS_PATHS } from '../tls-fixtures.js';

/** Forwards the boss's mail (proof-mail.ts sends four). */
const forwardRule = (): NonNullable<ConfigInput['rules']>[number] => ({
  name: 'boss to phone',
  when: { from: '*@boss.example' },
  // biome-ignore lint/suspicious/noThenProperty: the config file's field is called `then`
  then: [{ forward: { to: ['me@phone.example'], as: 'attachment' } }],
});

const vacation = (): NonNullable<ConfigInput['vacation']> => ({
  enabled: true,
  subject: 'Out of office: {{subject}}',
  body: 'I am away until January.',
  days: 7,
});

export interface ProofConfigInput {
  readonly address: string;
  readonly pop3Port: number;
  /** @default 'auto' */
  readonly pipelining?: 'auto' | 'off';
  /** Port of the test SMTP server; without it, no rules and no vacation. */
  readonly smtpPort?: number;
  /** @default 'starttls' */
  readonly smtpSecurity?: 'starttls' | 'plain';
  /** File holding the password (a `{ file }` secret: works the same in a child and in-process). */
  readonly passwordFile: string;
  /** Replaces the password login, e.g. with oauth2. */
  readonly auth?: ConfigInput['mailbox']['auth'];
  /** Replace the forward rule (with SMTP only). */
  readonly rules?: ConfigInput['rules'];
  /** @default true (with SMTP only) */
  readonly vacation?: boolean;
  readonly storeDir: string;
  readonly retention: 'keep' | 'delete';
  readonly limits?: ConfigInput['limits'];
}

/** The config the proof tests run with: the forward rule and vacation whenever SMTP is given. */
export const proofConfig = (input: ProofConfigInput): ConfigInput => ({
  mailbox: {
    address: input.address,
    pop3: {
      host: '127.0.0.1',
      port: input.pop3Port,
      security: 'tls',
      pipelining: input.pipelining ?? 'auto',
    },
    ...(input.smtpPort === undefined
      ? {}
      : {
          smtp: {
            host: '127.0.0.1',
            port: input.smtpPort,
            security: input.smtpSecurity ?? 'starttls',
          },
        }),
    caFile: TLS_PATHS.ca,
    auth: input.auth ?? { method: 'password', password: { file: input.passwordFile } },
    retention: input.retention,
  },
  store: { dir: input.storeDir },
  ...(input.limits ? { limits: input.limits } : {}),
  ...(input.smtpPort === undefined
    ? {}
    : {
        rules: input.rules ?? [forwardRule()],
        ...(input.vacation === false ? {} : { vacation: vacation() }),
      }),
});

/** Writes the config as JSON (which is YAML) into `dir`; returns its path. */
export const writeProofConfig = async (
  dir: string,
  name: string,
  input: ProofConfigInput,
): Promise<string> => {
  const path = join(dir, `${name}.config.json`);
  await writeFile(path, `${JSON.stringify(proofConfig(input), null, 2)}\n`);
  return path;
};
