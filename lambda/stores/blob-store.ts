import type { Readable } from 'node:stream';

/**
 * The storage port: S3 in AWS, a local directory otherwise. The engine keeps raw messages,
 * per-message records and the mailbox state through it, and relies on two guarantees: `create`
 * never overwrites (the archive is written once per key), and `putDocument` with `ifVersion`
 * fails with ECONFLICT when another writer got there first.
 */
export interface BlobStore {
  /** Human-readable location for messages, e.g. "s3://bucket/prefix/" or "/home/me/popfwd-data". */
  readonly location: string;

  /**
   * Stores the stream's bytes under `key` unless the key exists. Resolves 'exists' when it does;
   * nothing is overwritten and a partial write is never visible under `key`.
   */
  create(key: string, body: Readable, options?: CreateOptions): Promise<'created' | 'exists'>;

  /** The stored bytes, or null when the key does not exist. */
  read(key: string): Promise<Readable | null>;

  /** A small document with its version (ETag or equivalent), or null when absent. */
  getDocument(key: string): Promise<StoredDocument | null>;

  /**
   * Writes a small document and resolves its new version. `ifVersion`: a version from
   * getDocument (overwrite only if unchanged), null (create only if absent), or undefined
   * (unconditional). A failed condition rejects with PopfwdError code ECONFLICT.
   */
  putDocument(key: string, body: Buffer, options?: PutDocumentOptions): Promise<string>;

  delete(key: string): Promise<void>;

  /** Keys under `prefix`, in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;

  /**
   * Keys under `prefix` with their sizes, from the listing alone (S3 returns them with the keys;
   * a directory from a stat): `popfwd status` sizes the archive without reading it.
   */
  listSizes?(prefix: string): AsyncIterable<{ readonly key: string; readonly size: number }>;
}

export interface CreateOptions {
  readonly contentType?: string;
  /** Size hint (e.g. POP3 LIST size); never trusted as exact. */
  readonly sizeHint?: number;
}

export interface StoredDocument {
  readonly body: Buffer;
  readonly version: string;
}

export interface PutDocumentOptions {
  readonly ifVersion?: string | null;
  readonly contentType?: string;
}
