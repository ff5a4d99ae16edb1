import { describe, expect, it } from 'vitest';
import type { CatalogView } from '../../../lambda/archive/catalog.js';
import { resolveId, resolveMessage } from '../../../lambda/archive/resolve-id.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import { recordFor } from '../../helpers/stores/archive-records.js';

const catalogOf = (records: MessageRecord[]): CatalogView => {
  const ids = new Map(records.map((record) => [record.id, record]));
  return { records, byId: (id) => ids.get(id) };
};

const message = (subject: string) =>
  Buffer.from(`Subject: ${subject}\r\nMessage-ID: <${subject}@example.net>\r\n\r\nbody\r\n`);

describe('resolveId', () => {
  it('prefers an exact name to a SHA-256 prefix', () => {
    // Prepare: a UIDL that happens to be a hex prefix of the other message's SHA-256
    const other = recordFor('other', message('other'));
    const named = recordFor(other.meta.sha256.slice(0, 6), message('named'));

    // Act
    const resolution = resolveId(catalogOf([other, named]), other.meta.sha256.slice(0, 6));

    // Assess
    expect(resolution).toEqual({ kind: 'found', record: named });
  });

  it('treats a Message-ID with and without brackets alike', () => {
    const record = recordFor('u1', message('hello'));
    const catalog = catalogOf([record]);
    expect(resolveId(catalog, '<hello@example.net>')).toEqual({ kind: 'found', record });
    expect(resolveId(catalog, 'hello@example.net')).toEqual({ kind: 'found', record });
  });

  it('never lets an ID drive the terminal in its error', () => {
    expect(() => resolveMessage(catalogOf([]), '\x1b]0;pwned\x07x', 'memory:')).toThrow(
      'no archived message "x" in memory: (of 0)',
    );
  });
});
