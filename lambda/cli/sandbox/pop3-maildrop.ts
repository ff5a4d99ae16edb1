/**
 * The TRANSACTION-state commands over one session's snapshot of the mailbox, pure: each returns
 * the complete reply. Deletions are only marks here; the session applies them on QUIT.
 */
import type { MaildropEntry, Pop3Message } from './pop3-mailbox.js';
import {
  errLine,
  multiline,
  multilineText,
  okLine,
  topOf,
  wireBody,
  wireSize,
} from './pop3-wire.js';

const NUMBER = /^[1-9][0-9]{0,9}$/;
const COUNT = /^[0-9]{1,10}$/;

/** The bytes RETR and TOP send for a message (the stored ones, or a substitute). */
export type ServedBytes = (message: Pop3Message) => Buffer;

export class Maildrop {
  private readonly deleted = new Set<number>();

  constructor(
    private readonly entries: readonly MaildropEntry[],
    private readonly served: ServedBytes = (message) => message.data,
  ) {}

  /** The messages marked for deletion, to expunge on QUIT. */
  get marked(): readonly Pop3Message[] {
    return this.entries.filter((entry) => this.deleted.has(entry.number)).map((e) => e.message);
  }

  stat(): Buffer {
    const live = this.live();
    return okLine(`${live.length} ${live.reduce((sum, entry) => sum + entry.size, 0)}`);
  }

  list(arg?: string): Buffer {
    if (arg !== undefined) return this.withEntry(arg, (entry) => okLine(`${arg} ${entry.size}`));
    const live = this.live();
    const octets = live.reduce((sum, entry) => sum + entry.size, 0);
    return multilineText(
      `${live.length} messages (${octets} octets)`,
      live.map((entry) => `${entry.number} ${entry.size}`),
    );
  }

  uidl(arg?: string): Buffer {
    if (arg !== undefined) {
      return this.withEntry(arg, (entry) => okLine(`${arg} ${entry.message.uidl}`));
    }
    return multilineText(
      '',
      this.live().map((entry) => `${entry.number} ${entry.message.uidl}`),
    );
  }

  retr(arg: string | undefined): Buffer {
    return this.withEntry(arg, (entry) => {
      const data = this.served(entry.message);
      const size = data === entry.message.data ? entry.size : wireSize(data);
      return multiline(`${size} octets`, wireBody(data));
    });
  }

  top(arg: string | undefined, lines: string | undefined): Buffer {
    if (lines === undefined || !COUNT.test(lines)) return errLine('Invalid number of lines.');
    return this.withEntry(arg, (entry) =>
      multiline('', topOf(wireBody(this.served(entry.message)), Number(lines))),
    );
  }

  dele(arg: string | undefined): Buffer {
    return this.withEntry(arg, (entry) => {
      this.deleted.add(entry.number);
      return okLine('Marked to be deleted.');
    });
  }

  rset(): Buffer {
    this.deleted.clear();
    return okLine();
  }

  private live(): MaildropEntry[] {
    return this.entries.filter((entry) => !this.deleted.has(entry.number));
  }

  private withEntry(arg: string | undefined, reply: (entry: MaildropEntry) => Buffer): Buffer {
    if (arg === undefined || !NUMBER.test(arg)) return errLine('Invalid message number.');
    const entry = this.entries[Number(arg) - 1];
    if (!entry) return errLine(`There's no message ${arg}.`);
    if (this.deleted.has(entry.number)) return errLine('Message is deleted.');
    return reply(entry);
  }
}
