import type { MessageRecord } from '../engine/message-record.js';
import { PopfwdError } from '../errors.js';
import type { CatalogView } from './catalog.js';
import { oneLine } from './terminal-text.js';

/**
 * Which archived message a person means by an ID: the message id popfwd gave it (32 hex
 * digits, the name of an exported `.eml`), its UIDL, its archive key, its Message-ID (with or
 * without the angle brackets), or a unique prefix of its SHA-256 (at least 4 hex digits).
 * Exact matches of any kind win over a prefix. More than one message → EUSAGE listing them;
 * none → EUSAGE saying where it looked. `archive show` and the web viewer share this.
 */

/** Shortest SHA-256 prefix taken: fewer digits would match most of a large archive. */
export const MIN_SHA_PREFIX = 4;
/** Candidates named in an "ambiguous" error. */
const MAX_CANDIDATES = 20;

const HEX = /^[0-9a-f]+$/i;

const bareMessageId = (value: string): string => value.trim().replace(/^<|>$/g, '');

/** Every message the ID names exactly (a UIDL or Message-ID may be shared by several). */
const exactMatches = (catalog: CatalogView, id: string): MessageRecord[] => {
  const found = new Set<MessageRecord>();
  const own = catalog.byId(id.toLowerCase()) ?? catalog.byId(id.replace(/\.eml$/i, ''));
  if (own) found.add(own);
  const messageId = bareMessageId(id);
  for (const record of catalog.records) {
    const { meta } = record;
    if (meta.uidl === id || meta.key === id) found.add(record);
    else if (messageId !== '' && meta.messageId && bareMessageId(meta.messageId) === messageId) {
      found.add(record);
    }
  }
  return [...found];
};

const shaMatches = (catalog: CatalogView, id: string): MessageRecord[] => {
  if (id.length < MIN_SHA_PREFIX || id.length > 64 || !HEX.test(id)) return [];
  const prefix = id.toLowerCase();
  return catalog.records.filter((record) => record.meta.sha256.startsWith(prefix));
};

/** One candidate as an error lists it: enough to tell them apart and to pick one. */
export const candidateLine = (record: MessageRecord): string => {
  const { meta } = record;
  const sender = meta.from[0]?.address || meta.from[0]?.name || '';
  const when = (meta.date ?? meta.archivedAt).slice(0, 16).replace('T', ' ');
  return `  ${meta.sha256.slice(0, 12)}  UIDL ${oneLine(meta.uidl, 40)}  ${when}  ${oneLine(sender, 40)}  ${oneLine(meta.subject, 60)}`;
};

export type Resolution =
  | { readonly kind: 'found'; readonly record: MessageRecord }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly MessageRecord[] };

/** What `id` names, without throwing (the web viewer answers 404 or 300 from this). */
export const resolveId = (catalog: CatalogView, id: string): Resolution => {
  const exact = exactMatches(catalog, id);
  const matches = exact.length > 0 ? exact : shaMatches(catalog, id);
  if (matches.length === 1) return { kind: 'found', record: matches[0] as MessageRecord };
  if (matches.length === 0) return { kind: 'unknown' };
  return { kind: 'ambiguous', candidates: matches };
};

/** The one message `id` names; EUSAGE (exit 2) when it names none or several. */
export const resolveMessage = (
  catalog: CatalogView,
  id: string,
  location: string,
): MessageRecord => {
  const resolution = resolveId(catalog, id);
  const shown = oneLine(id, 100);
  if (resolution.kind === 'found') return resolution.record;
  if (resolution.kind === 'unknown') {
    const hint =
      HEX.test(id) && id.length < MIN_SHA_PREFIX
        ? ` (a SHA-256 prefix needs at least ${MIN_SHA_PREFIX} hex digits)`
        : '';
    throw new PopfwdError(
      'EUSAGE',
      `no archived message "${shown}" in ${location} (of ${catalog.records.length}): give a UIDL, a key, a Message-ID, a message id or a SHA-256 prefix as \`popfwd archive list\` shows them${hint}`,
      { context: { id: shown } },
    );
  }
  const { candidates } = resolution;
  const listed = candidates.slice(0, MAX_CANDIDATES).map(candidateLine);
  const more =
    candidates.length > MAX_CANDIDATES
      ? [`  … and ${candidates.length - MAX_CANDIDATES} more`]
      : [];
  throw new PopfwdError(
    'EUSAGE',
    [
      `"${shown}" names ${candidates.length} archived messages; give more digits of the SHA-256 (first column):`,
      ...listed,
      ...more,
    ].join('\n'),
    { context: { id: shown, candidates: candidates.length } },
  );
};
