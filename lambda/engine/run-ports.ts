import type { AccessTokenCache } from '../auth/access-token-cache.js';
import type { Credentials } from '../auth/credentials.js';
import type { Clock } from '../clock.js';
import type { Log } from '../log.js';
import type { Pop3Client, Pop3ClientOptions } from '../pop3/client.js';
import type { Redactor } from '../redact/redactor.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { Mailer } from '../smtp/mailer.js';
import type { BlobStore } from '../stores/blob-store.js';

/**
 * Everything a run reaches outside the process, built by a shell and handed in: the engine builds
 * no adapter. The CLI builds these in cli/adapters.ts (each loading its dependencies on first use,
 * so a command starts fast), the Lambda in shell/aws-adapters.ts (once per container), tests
 * their own.
 */
export interface RunPorts {
  /** The archive and the ledger. */
  readonly store: BlobStore;
  /** Secret references of the config: passwords, refresh tokens. */
  readonly secrets: SecretStore;
  readonly clock: Clock;
  /** Opens the mailbox's POP3 session. */
  readonly connectPop3: Pop3Connector;
  /** Makes the SMTP mailer, when a run first has something to send. */
  readonly mailers: MailerFactory;
  /** Access tokens kept between the runs of this process (warm Lambda, `popfwd watch`). */
  readonly accessTokens?: AccessTokenCache;
}

/**
 * The run's side of a POP3 session: when it must be over and where it logs. The server, its TLS
 * settings and CA are the connector's (the shell read them from the config).
 */
export type Pop3SessionTerms = Pick<
  Pop3ClientOptions,
  'deadline' | 'timeouts' | 'log' | 'clock' | 'redactor'
>;

/** Connects and reads the greeting and capabilities; the engine logs in. */
export type Pop3Connector = (terms: Pop3SessionTerms) => Promise<Pop3Client>;

/** The run's side of the SMTP mailer; the server settings and CA are the factory's. */
export interface MailerTerms {
  readonly credentials: Credentials;
  readonly log: Log;
  /** Epoch ms: no wait on the SMTP server goes past it (the run's cutoff). */
  readonly deadline: number;
  readonly clock: Clock;
  /** Masks the run's secrets in the server's replies. */
  readonly redactor: Redactor;
}

/** One mailer per run, closed by the send phase; nodemailer loads only when this is called. */
export type MailerFactory = (terms: MailerTerms) => Promise<Mailer>;
