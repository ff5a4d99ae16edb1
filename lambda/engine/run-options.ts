import type { Mailer } from '../actions/mailer.js';
import type { AccessTokenCache } from '../auth/access-token-cache.js';
import type { Credentials } from '../auth/credentials.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Log } from '../log.js';
import type { Redactor } from '../redact/redactor.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { BlobStore } from '../stores/blob-store.js';

/** Progress of the fetch phase, for the CLI's progress bar. */
export interface RunProgress {
  readonly phase: 'connect' | 'fetch' | 'delete' | 'send' | 'done';
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
}

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
