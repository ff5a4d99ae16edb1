import { cell, oneLine } from '../archive/terminal-text.js';
import type { MessageRecord } from '../engine/message-record.js';
import type { MailAddress } from '../mail/message-meta.js';
import { formatBytes } from '../units.js';

/** How `archive list` and `archive search` print a message: as JSON, or as one table row. */

const firstAddress = (addresses: readonly MailAddress[]): string => {
  const first = addresses[0];
  return first ? first.address || first.name : '';
};

/** The `archive list --json` contract: one JSON line per archived message. */
export const archiveLine = (record: MessageRecord) => ({
  id: record.id,
  uidl: record.meta.uidl,
  key: record.meta.key,
  size: record.meta.size,
  sha256: record.meta.sha256,
  from: firstAddress(record.meta.from),
  to: firstAddress(record.meta.to),
  subject: record.meta.subject,
  date: record.meta.date,
  archivedAt: record.meta.archivedAt,
  tags: record.tags,
});

/**
 * `2026-11-26 07:00  carol@partner.example  Subject…  2.1 KiB  3f2a9c1e04b7 [tags]`: date (UTC),
 * sender, subject, size and the start of the SHA-256 (what `archive show` takes). Everything the
 * message controls is made terminal-safe.
 */
export const archiveRow = (record: MessageRecord): string => {
  const { meta } = record;
  const tags = record.tags.length ? ` [${oneLine(record.tags.join(', '), 80)}]` : '';
  const when = (meta.date ?? meta.archivedAt).slice(0, 16).replace('T', ' ');
  return `${when}  ${cell(firstAddress(meta.from), 28)}  ${cell(meta.subject, 40)}  ${formatBytes(meta.size).padStart(9)}  ${meta.sha256.slice(0, 12)}${tags}\n`;
};
