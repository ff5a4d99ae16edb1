import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from '../../log.js';
import type { BlobStore } from '../../stores/blob-store.js';
import type { ArchiveIndex } from './archive-index.js';
import type { MessageCache } from './message-cache.js';
import type { PageAsset } from './page-assets.js';

/** What every route shares: the archive, its index, the page and the limits. */
export interface ServeContext {
  readonly store: BlobStore;
  readonly mailbox: string;
  readonly messages: MessageCache;
  readonly assets: ReadonlyMap<string, PageAsset>;
  readonly log: Log;
  /** The catalog as last read. */
  index(): ArchiveIndex;
  /** Reads the catalog again (messages archived since the viewer started). */
  reload(): Promise<ArchiveIndex>;
  readonly search: {
    /** Raw objects read at once by one search. */
    readonly concurrency: number;
    /** Searches running at once; one more is refused (429). */
    readonly maxActive: number;
    active: number;
  };
}

/** One request, past the host and token checks. */
export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** The path after the token, from its slash: `/api/messages`. */
  readonly path: string;
  readonly params: URLSearchParams;
  /** `http://127.0.0.1:8025`, as the browser addressed it. */
  readonly origin: string;
  /** `http://127.0.0.1:8025/<token>/`: where the page and its API live. */
  readonly base: string;
}
