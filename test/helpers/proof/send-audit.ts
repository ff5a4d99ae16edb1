import type { CapturedMail } from '../smtp/smtp-test-server.js';

/** What the SMTP server received, grouped by Message-ID (popfwd gives each send its own). */
export interface SendAudit {
  readonly sends: number;
  readonly unique: ReadonlySet<string>;
  /** Message-ID → copies beyond the first. */
  readonly duplicated: ReadonlyMap<string, number>;
}

/** The Message-ID field of a raw message's header block. */
export const messageIdOf = (raw: Buffer): string => {
  const end = raw.indexOf('\r\n\r\n');
  const header = raw.subarray(0, end === -1 ? raw.length : end).toString('latin1');
  const match = /^Message-ID:[ \t]*(<[^>\r\n]+>)/im.exec(header);
  if (!match?.[1]) throw new Error(`a captured message has no Message-ID:\n${header}`);
  return match[1];
};

export const auditSends = (mails: readonly CapturedMail[]): SendAudit => {
  const counts = new Map<string, number>();
  for (const mail of mails) {
    const id = messageIdOf(mail.raw);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return {
    sends: mails.length,
    unique: new Set(counts.keys()),
    duplicated: new Map([...counts].filter(([, n]) => n > 1).map(([id, n]) => [id, n - 1])),
  };
};
