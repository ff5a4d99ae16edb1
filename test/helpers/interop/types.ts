/** What the interop matrix needs of a POP3 server, whichever it is. */
import type { PackageRoot } from './debian.js';
import type { Login, ServerAddress } from './pop3-reader.js';

/** The test account's password on every server, and its crypt(3) SHA-512 hash. */
export const PASSWORD = 'interop-secret';
export const PASSWORD_HASH =
  '$6$popfwdinterop$4j3sDvrG7XuPe398zn9wZFs8DX6zJM4ZJKZS/NavEd/ucWxEUM53o04bXGiytd2hvtzAY0eQzCARb04nMngP3/';
/** Login of servers that know only system accounts (in their private /etc). */
export const SYSTEM_USER = 'popfwdtest';
/** uid/gid of that account; unused on the host, never created there. */
export const SYSTEM_UID = 64_110;

export interface InteropServer extends ServerAddress {
  readonly login: Login;
  /** How the mailbox is stored, e.g. "mbox" or "Maildir". */
  readonly storage: string;
  /** Messages the server refused to take at delivery (index into the delivered list). */
  readonly refused?: readonly { readonly index: number; readonly reason: string }[];
  /** Anything about this setup a reader of the results should know. */
  readonly setupNote?: string;
  /** The server's own log so far. */
  log(): Promise<string>;
  /** Stops every process and removes every file of this instance. */
  stop(): Promise<void>;
}

export interface ServerDefinition {
  readonly id: string;
  readonly name: string;
  /** The Debian package. */
  readonly package: string;
  /** Other packages its setup needs (tools, not the server). */
  readonly extraPackages?: readonly string[];
  /** How it is set up here, in a sentence (for the report). */
  readonly setup: string;
  /** `system`: installed with apt-get; `extract`: run from a package root (debian.ts). */
  readonly install: 'system' | 'extract';
  /** Why it cannot run on this machine (before any download), or null. */
  unavailable(): string | null;
  /** Starts it on loopback with a mailbox holding `messages` (CRLF), in order. */
  start(messages: readonly Buffer[], root: PackageRoot | undefined): Promise<InteropServer>;
}
