import type { Config, Retention } from '../../config/config-schema.js';
import { describeRule } from '../../rules/describe.js';
import { describeSecretRef } from '../../secrets/secret-store.js';
import { formatBytes, formatDuration } from '../../units.js';

export const describeRetention = (retention: Retention): string =>
  retention === 'keep'
    ? 'keep every message on the server (archive only)'
    : retention === 'delete'
      ? 'delete each message from the server once it is archived'
      : `delete messages from the server ${retention.deleteAfterDays} day(s) after they are archived`;

/** The config in words, for `popfwd config check`. */
export const describeConfig = (config: Config): string => {
  const { mailbox, limits } = config;
  const auth =
    mailbox.auth.method === 'password'
      ? `password from ${describeSecretRef(mailbox.auth.password)}`
      : `OAuth2 (client ${mailbox.auth.clientId}, tenant ${mailbox.auth.tenant}), refresh token in ${describeSecretRef(mailbox.auth.refreshToken)}`;
  const store =
    'dir' in config.store
      ? config.store.dir
      : `s3://${config.store.s3.bucket}/${config.store.s3.prefix}`;
  const lines = [
    `mailbox    ${mailbox.address}`,
    `pop3       ${mailbox.pop3.host}:${mailbox.pop3.port} (${mailbox.pop3.security})`,
    `smtp       ${mailbox.smtp ? `${mailbox.smtp.host}:${mailbox.smtp.port} (${mailbox.smtp.security})` : 'none (nothing is sent)'}`,
    `login      ${auth}`,
    `archive    ${store}`,
    `retention  ${describeRetention(mailbox.retention)}`,
    `limits     ${limits.maxMessagesPerRun} messages, ${formatBytes(limits.maxBytesPerRun)} and ${formatDuration(limits.runTimeout)} per run; messages up to ${formatBytes(limits.maxMessageSize)}; ${limits.maxSendsPerDay} sends per day`,
    `rules      ${config.rules.length === 0 ? 'none' : `${config.rules.length} rule(s)`}`,
    ...config.rules.map((rule, index) => `           ${index + 1}. ${describeRule(rule)}`),
    `vacation   ${config.vacation?.enabled ? `on${config.vacation.until ? ` until ${config.vacation.until.slice(0, 10)}` : ''}, one reply per sender per ${config.vacation.days} day(s)` : 'off'}`,
  ];
  return lines.join('\n');
};
