import type { MessageRecord } from '../engine/message-record.js';
import type { MailAddress } from '../mail/message-meta.js';
import { formatBytes } from '../units.js';
import type { AttachmentInfo, MessageView } from './message-view.js';
import { oneLine, textBlock } from './terminal-text.js';

/**
 * `archive show`'s two outputs. The JSON object (README "Commands" documents it):
 *
 *   {id, uidl, key, size, sha256, archivedAt, tags,
 *    from, to, cc: [{name, address}], date (ISO, UTC, or null), dateHeader (as written, or null),
 *    subject, messageId, text, textFrom ("text" | "html" | "none"), textTruncated,
 *    attachments: [{name, contentType, size, inline}], parseError?}
 */
export interface ShowJson {
  readonly id: string;
  readonly uidl: string;
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
  readonly archivedAt: string;
  readonly tags: readonly string[];
  readonly from: readonly MailAddress[];
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly date: string | null;
  readonly dateHeader: string | null;
  readonly subject: string;
  readonly messageId: string | null;
  readonly text: string;
  readonly textFrom: MessageView['textFrom'];
  readonly textTruncated: boolean;
  readonly attachments: readonly AttachmentInfo[];
  readonly parseError?: string;
}

export const showJson = (record: MessageRecord, view: MessageView): ShowJson => {
  const { meta } = record;
  const parseError = meta.parseError ?? view.parseError;
  return {
    id: record.id,
    uidl: meta.uidl,
    key: meta.key,
    size: meta.size,
    sha256: meta.sha256,
    archivedAt: meta.archivedAt,
    tags: record.tags,
    from: meta.from,
    to: meta.to,
    cc: meta.cc,
    date: meta.date,
    dateHeader: view.dateHeader,
    subject: meta.subject,
    messageId: meta.messageId,
    text: view.text,
    textFrom: view.textFrom,
    textTruncated: view.textTruncated,
    attachments: view.attachments,
    ...(parseError ? { parseError } : {}),
  };
};

const addresses = (list: readonly MailAddress[]): string =>
  list
    .map((entry) =>
      entry.name && entry.address
        ? `${entry.name} <${entry.address}>`
        : entry.address || `${entry.name} <>`,
    )
    .join(', ');

/** The text a person reads: the headers that matter, the body, the attachments. */
export const showText = (record: MessageRecord, view: MessageView): string => {
  const { meta } = record;
  const rows: Array<[string, string]> = [
    ['From', addresses(meta.from)],
    ['To', addresses(meta.to)],
    ['Cc', addresses(meta.cc)],
    ['Date', view.dateHeader ?? ''],
    ['Subject', meta.subject],
    ['Message-ID', meta.messageId ?? ''],
    ['Tags', record.tags.join(', ')],
  ];
  const lines = rows
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${`${name}:`.padEnd(12)}${oneLine(value, 2000)}`);
  lines.push(
    `${'Archived:'.padEnd(12)}${meta.archivedAt}  UIDL ${oneLine(meta.uidl, 80)}  ${formatBytes(meta.size)}  sha256 ${meta.sha256.slice(0, 12)}`,
  );
  const problem = meta.parseError ?? view.parseError;
  if (problem) lines.push(`${'Warning:'.padEnd(12)}${oneLine(problem, 300)}`);
  lines.push('');
  if (view.textFrom === 'html') lines.push('[HTML converted to text]', '');
  lines.push(view.text ? textBlock(view.text).replace(/\n+$/, '') : '[no text body]');
  if (view.textTruncated) lines.push('', '[… the rest of the text is cut: `--raw` has it all]');
  if (view.attachments.length > 0) {
    lines.push('', `Attachments (${view.attachments.length}):`);
    for (const [index, attachment] of view.attachments.entries()) {
      const name = attachment.name ? oneLine(attachment.name, 120) : '(no name)';
      const inline = attachment.inline ? ', inline' : '';
      lines.push(
        `  ${index + 1}. ${name}  ${oneLine(attachment.contentType, 80)}  ${formatBytes(attachment.size)}${inline}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
};
