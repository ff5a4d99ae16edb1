import type { Mailer } from '../actions/mailer.js';
import type { AccessTokenCache } from '../auth/access-token-cache.js';
import type { Credentials } from '../auth/credentials.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config-schema.js';
import type { Log } from '../log.js';
import type { Redactor } from '../redact/redactor.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { BlobStore } from '../stores/blob-store.js';

/**
 * What a run is doing, for the CLI's progress display. The fetch counts against what this run
 * will fetch (`total`, after the run's limits), with the new mail on the server beside it, so a
 * limit that leaves mail for the next run shows as such.
 */
export type RunProgress =
  | { readonly phase: 'connect'; readonly host: string; readonly port: number }
  | { readonly phase: 'login' }
  | { readonly phase: 'list' }
  | {
      readonly phase: 'fetch';
      readonly done: number;
      /** Messages this run will fetch: the new ones the limits let through. */
      readonly total: number;
      /** Bytes archived so far. */
      readonly bytes: number;
      /** The LIST sizes of the `total` messages. */
      readonly totalBytes: number;
      /** New messages on the server that any run may fetch (not over maxMessageSize). */
      readonly waiting: number;
    }
  | { readonly phase: 'delete'; readonly total: number }
  /** Sends this run has attempted, of those attempted plus those due now (it grows as mail arrives). */
  | { readonly phase: 'send'; readonly done: number; readonly total: number }
  /** The POP3 session is closed: what is left is sending and saving the state. */
  | { readonly phase: 'finish' }
  | { readonly phase: 'done' };

/** Everything one run needs; the Lambda handler and the CLI build this and call runMailbox. */
export interface RunOptions {
  readonly config: Config;
  readonly store: BlobStore;
  readonly secrets: SecretStore;
  /** Access tokens kept between the runs of this process (warm Lambda, `popfwd watch`). */
  readonly accessTokens?: AccessTokenCache;
  readonly log: Log;
  readonly clock?: Clock;
  /** Epoch ms by which the run must be finished: QUIT sent and state saved. */
  readonly deadline: number;
  /** Builds the SMTP mailer; defaults to nodemailer with the mailbox's credentials. */
  readonly createMailer?: (credentials: Credentials) => Mailer;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly signal?: AbortSignal;
  /**
   * Learns every secret the run reads or is given (password, tokens), so the caller can mask them
   * in what it prints after the run too. The run makes its own when none is given.
   */
  readonly redactor?: Redactor;
}
