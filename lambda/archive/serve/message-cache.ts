import type { MessageRecord } from '../../engine/message-record.js';
import { PopfwdError } from '../../errors.js';
import type { BlobStore } from '../../stores/blob-store.js';
import { HttpError } from './http-response.js';
import { type MailHtml, mailHtml } from './mail-html.js';
import { type MessageContent, readMessageContent } from './message-content.js';

/** A message as the reading pane needs it, parsed once for its JSON, its frame and its images. */
export interface OpenedMessage {
  readonly record: MessageRecord;
  readonly content: MessageContent;
  /** The HTML with remote content removed, and the origins it would load; null without HTML. */
  readonly blocked: MailHtml | null;
  /** The HTML with remote content kept (made on first use). */
  withRemote(): MailHtml | null;
}

export interface MessageCacheOptions {
  /** Memory for parsed messages kept between requests. @default 64 MiB */
  readonly maxBytes?: number;
  /** @default 16 */
  readonly maxEntries?: number;
  /** A parse that takes longer (a hostile structure) is abandoned. @default 30 s */
  readonly parseTimeoutMs?: number;
}

/** `cid:` URLs in the HTML become the part's address relative to the HTML's own URL. */
const cidResolver = (content: MessageContent) => {
  const known = new Set(content.parts.map((part) => part.cid).filter((cid) => cid !== null));
  return (cid: string): string | null => (known.has(cid) ? `cid/${encodeURIComponent(cid)}` : null);
};

const htmlBytes = (html: MailHtml | null): number => 2 * (html?.html.length ?? 0);

interface CacheEntry {
  readonly message: OpenedMessage;
  bytes: number;
  /** Still in the cache (its bytes count against the budget). */
  kept: boolean;
}

/**
 * Parsed messages, most recently opened kept, within a memory budget: opening a message, then its
 * frame, then each of its inline images reads the raw object once. Two requests for a message
 * being parsed share the parse.
 */
export class MessageCache {
  readonly #store: BlobStore;
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  readonly #parseTimeoutMs: number;
  readonly #entries = new Map<string, CacheEntry>();
  readonly #opening = new Map<string, Promise<OpenedMessage>>();
  #bytes = 0;

  constructor(store: BlobStore, options: MessageCacheOptions = {}) {
    this.#store = store;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#maxEntries = options.maxEntries ?? 16;
    this.#parseTimeoutMs = options.parseTimeoutMs ?? 30_000;
  }

  open(record: MessageRecord): Promise<OpenedMessage> {
    const kept = this.#entries.get(record.id);
    if (kept) {
      this.#entries.delete(record.id);
      this.#entries.set(record.id, kept);
      return Promise.resolve(kept.message);
    }
    const pending = this.#opening.get(record.id);
    if (pending) return pending;
    const opening = this.#parse(record).finally(() => this.#opening.delete(record.id));
    this.#opening.set(record.id, opening);
    return opening;
  }

  async #parse(record: MessageRecord): Promise<OpenedMessage> {
    const stream = await this.#store.read(record.meta.key);
    if (!stream) throw new HttpError(404, 'the raw message is missing from the archive');
    const timer = setTimeout(() => {
      stream.destroy(
        new PopfwdError('ETIMEDOUT', `parsing took over ${this.#parseTimeoutMs} ms; abandoned`),
      );
    }, this.#parseTimeoutMs);
    let content: MessageContent;
    try {
      content = await readMessageContent(stream);
    } finally {
      clearTimeout(timer);
    }
    const cid = cidResolver(content);
    const blocked =
      content.html === null ? null : mailHtml(content.html, { cid, allowRemote: false });
    let remote: MailHtml | null | undefined;
    const entry: CacheEntry = {
      message: {
        record,
        content,
        blocked,
        withRemote: () => {
          if (remote === undefined) {
            remote =
              content.html === null ? null : mailHtml(content.html, { cid, allowRemote: true });
            this.#grow(entry, htmlBytes(remote));
          }
          return remote;
        },
      },
      bytes: content.bytes + htmlBytes(blocked),
      kept: false,
    };
    if (entry.bytes <= this.#maxBytes) {
      entry.kept = true;
      this.#entries.set(record.id, entry);
      this.#bytes += entry.bytes;
      this.#evict();
    }
    return entry.message;
  }

  #grow(entry: CacheEntry, bytes: number): void {
    entry.bytes += bytes;
    if (!entry.kept) return;
    this.#bytes += bytes;
    this.#evict();
  }

  #evict(): void {
    for (const [id, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes && this.#entries.size <= this.#maxEntries) return;
      this.#entries.delete(id);
      entry.kept = false;
      this.#bytes -= entry.bytes;
    }
  }
}
