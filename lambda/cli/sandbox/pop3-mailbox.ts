import { isValidUidl, wireSize } from './pop3-wire.js';

export interface Pop3Message {
  /** RFC 1939 unique-id: 1–70 characters 0x21–0x7E, unique in the mailbox. */
  readonly uidl: string;
  /** The stored message; sent the way Dovecot sends stored mail (see pop3-wire.ts). */
  readonly data: Buffer;
}

/** A message as one session sees it: numbered from 1, with the size LIST reports. */
export interface MaildropEntry {
  readonly number: number;
  readonly message: Pop3Message;
  readonly size: number;
}

/**
 * The maildrop: outlives sessions (and may be shared by several servers, e.g. a TLS and a plain
 * listener). One session at a time holds its lock; messages leave it only through a session's
 * UPDATE state (QUIT), never because a connection dropped.
 */
export class Pop3Mailbox {
  private stored: Pop3Message[] = [];
  private owner: object | null = null;

  constructor(messages: Iterable<Pop3Message> = []) {
    this.add(...messages);
  }

  /** The messages currently stored, in order. */
  get messages(): readonly Pop3Message[] {
    return [...this.stored];
  }

  get locked(): boolean {
    return this.owner !== null;
  }

  /** Appends messages; sessions already in TRANSACTION keep their snapshot (as real servers do). */
  add(...messages: Pop3Message[]): void {
    const seen = new Set(this.stored.map((message) => message.uidl));
    for (const message of messages) {
      if (!isValidUidl(message.uidl))
        throw new Error(`invalid UIDL ${JSON.stringify(message.uidl)}`);
      if (seen.has(message.uidl)) throw new Error(`duplicate UIDL ${message.uidl}`);
      seen.add(message.uidl);
    }
    this.stored.push(...messages);
  }

  tryLock(owner: object): boolean {
    if (this.owner !== null && this.owner !== owner) return false;
    this.owner = owner;
    return true;
  }

  unlock(owner: object): void {
    if (this.owner === owner) this.owner = null;
  }

  /** The numbered view a session works on from login to QUIT. */
  snapshot(): readonly MaildropEntry[] {
    return this.stored.map((message, index) => ({
      number: index + 1,
      message,
      size: wireSize(message.data),
    }));
  }

  /** Removes these messages (by identity); returns how many were still there. */
  expunge(messages: Iterable<Pop3Message>): number {
    const doomed = new Set(messages);
    const before = this.stored.length;
    this.stored = this.stored.filter((message) => !doomed.has(message));
    return before - this.stored.length;
  }
}
