/**
 * One POP3 session of the sandbox server: the RFC 1939 state machine (AUTHORIZATION →
 * TRANSACTION → UPDATE) with CAPA, STLS and SASL, reading one command at a time from a buffer so
 * pipelined batches are answered in order. Faults from the test hooks wrap each command
 * (pop3-fault-hooks.ts).
 */

import { randomUUID } from 'node:crypto';
import type { SecureContext } from 'node:tls';
import { capabilityLines, type Offer, type Pop3State, validStates } from './pop3-capabilities.js';
import type { Pop3Connection } from './pop3-connection.js';
import {
  type FaultTarget,
  type Pop3Fault,
  type Pop3Faults,
  performFault,
  type ReplyEffects,
  replyEffects,
} from './pop3-fault-hooks.js';
import type { Pop3Mailbox, Pop3Message } from './pop3-mailbox.js';
import { Maildrop } from './pop3-maildrop.js';
import {
  decodeSaslResponse,
  parsePlain,
  parseXoauth2,
  xoauth2FailureChallenge,
} from './pop3-sasl.js';
import type {
  Pop3Authenticator,
  Pop3Capabilities,
  Pop3Credentials,
  Pop3Limits,
} from './pop3-server-options.js';
import { maskCommand, maskSaslResponse } from './pop3-transcript.js';
import { hasEightBitHeader, unicodeNotice } from './pop3-unicode-notice.js';
import { errLine, multilineText, okLine, type RespCode } from './pop3-wire.js';

export interface SessionContext {
  readonly id: number;
  readonly mailbox: Pop3Mailbox;
  readonly capabilities: Pop3Capabilities;
  readonly limits: Pop3Limits;
  readonly authenticate: Pop3Authenticator;
  readonly faults: Pop3Faults;
  /** Set when the listener offers STLS. */
  readonly starttls: SecureContext | null;
  readonly record: (line: string) => void;
}

const GREETING = okLine('popfwd sandbox POP3 server ready.');

/** The text after the keyword and one space: PASS and USER arguments may contain spaces. */
const restOfLine = (line: string): string | undefined => {
  const space = line.indexOf(' ');
  return space === -1 ? undefined : line.slice(space + 1);
};

export class Pop3Session {
  private state: Pop3State = 'AUTHORIZATION';
  private user: string | null = null;
  private maildrop: Maildrop | null = null;
  private sequence = 0;
  private stopped = false;
  /** The command being answered and its fault effects on the replies. */
  private command = 'GREETING';
  private effects: ReplyEffects = {};
  /** RFC 6856 UTF-8 mode, entered with the UTF8 command. */
  private utf8 = false;
  /** Courier makes a new boundary for each session's notices. */
  private readonly noticeBoundary = `=_${randomUUID()}`;
  /** Identity for the mailbox lock (a mailbox may be shared by several servers). */
  private readonly lockOwner = {};

  constructor(
    private readonly connection: Pop3Connection,
    private readonly context: SessionContext,
  ) {}

  async run(): Promise<void> {
    try {
      this.connection.setIdleTimeout(this.context.limits.idleTimeoutMs, () => {
        void this.connection
          .write(Buffer.from('-ERR Disconnected for inactivity.\r\n'), this.command)
          .then(() => this.connection.destroy());
      });
      await this.perform(this.context.faults.greeting, 'GREETING', () => this.send(GREETING));
      while (!this.stopped && !this.connection.closed) {
        const line = await this.connection.readLine(this.context.limits.commandLineBytes);
        if (line === 'closed') return;
        if (line === 'too-long') {
          await this.send(errLine('Command line too long.'));
          return this.finish();
        }
        await this.dispatch(line.toString('utf8'));
      }
    } finally {
      this.context.mailbox.unlock(this.lockOwner);
    }
  }

  private async dispatch(line: string): Promise<void> {
    const recorded = maskCommand(line);
    this.context.record(recorded);
    this.sequence += 1;
    const name = (line.split(' ', 1)[0] ?? '').toUpperCase();
    const injected = await this.context.faults.onCommand?.({
      session: this.context.id,
      sequence: this.sequence,
      name,
      args: recorded.split(' ').slice(1),
      line: recorded,
      state: this.state,
      user: this.user,
      secure: this.connection.secure,
    });
    await this.perform(injected, name, () => this.handle(name, line));
  }

  /** Runs `handle` under a fault: replaced, delayed, cut short, rewritten, or not at all. */
  private perform(
    injected: Pop3Fault | undefined,
    name: string,
    handle: () => Promise<void>,
  ): Promise<void> {
    this.command = name;
    this.effects = replyEffects(injected);
    const target: FaultTarget = {
      connection: this.connection,
      send: (reply) => this.send(reply),
      finish: () => this.finish(),
      stop: () => {
        this.stopped = true;
      },
    };
    return performFault(injected, name, target, handle);
  }

  private handle(name: string, line: string): Promise<void> {
    const offer = this.offer();
    const states = validStates(name, offer);
    if (!states) return this.send(errLine('Unknown command.'));
    if (!states.includes(this.state)) return this.send(errLine('Command not valid in this state.'));
    const args = line.split(' ').slice(1);
    switch (name) {
      case 'CAPA':
        return this.send(
          multilineText('Capability list follows', capabilityLines(offer, this.state)),
        );
      case 'USER':
        return this.userCommand(restOfLine(line));
      case 'PASS':
        return this.pass(restOfLine(line));
      case 'AUTH':
        return this.auth(args);
      case 'STLS':
        return this.stls();
      case 'QUIT':
        return this.quit();
      case 'NOOP':
        return this.send(okLine());
      case 'UTF8':
        this.utf8 = true;
        return this.send(okLine('UTF8 enabled'));
      default:
        return this.send(this.transaction(name, args));
    }
  }

  private transaction(name: string, args: readonly string[]): Buffer {
    const maildrop = this.maildrop;
    if (!maildrop) return errLine('Command not valid in this state.');
    if (name === 'STAT') return maildrop.stat();
    if (name === 'LIST') return maildrop.list(args[0]);
    if (name === 'UIDL') return maildrop.uidl(args[0]);
    if (name === 'RETR') return maildrop.retr(args[0]);
    if (name === 'TOP') return maildrop.top(args[0], args[1]);
    if (name === 'DELE') return maildrop.dele(args[0]);
    return maildrop.rset();
  }

  private offer(): Offer {
    return {
      capabilities: this.context.capabilities,
      stls: this.context.starttls !== null && !this.connection.secure,
      starttls: this.context.starttls !== null,
    };
  }

  private userCommand(user: string | undefined): Promise<void> {
    if (!user) return this.send(errLine('No username given.'));
    this.user = user;
    return this.send(okLine());
  }

  private async pass(password: string | undefined): Promise<void> {
    const user = this.user;
    if (!user) return this.send(errLine('No username given.'));
    if (password === undefined) return this.send(errLine('No password given.'));
    await this.authenticate({ mechanism: 'USER', user, password });
  }

  /** RFC 5034 AUTH: initial response or `+` challenge, `*` cancels; `AUTH` alone lists mechanisms. */
  private async auth(args: readonly string[]): Promise<void> {
    const { sasl } = this.context.capabilities;
    const [requested, initial, ...extra] = args;
    if (requested === undefined) return this.send(multilineText('', [...sasl]));
    const mechanism = sasl.find((offered) => offered === requested.toUpperCase());
    if (!mechanism) return this.send(errLine('Unsupported authentication mechanism.'));
    if (extra.length > 0) return this.send(errLine('Invalid AUTH arguments.'));
    const response = initial ?? (await this.challenge(''));
    if (response === null) return;
    if (response === '*') return this.send(errLine('Authentication cancelled.'));
    const payload = decodeSaslResponse(response);
    if (!payload) return this.send(errLine('Invalid base64 data in SASL response.'));
    const credentials = mechanism === 'PLAIN' ? parsePlain(payload) : parseXoauth2(payload);
    if (credentials && (await this.authenticate(credentials, { reply: 'on-success' }))) return;
    // Outlook's XOAUTH2 failure: a last challenge with the error, the client answers an empty line.
    if (mechanism === 'XOAUTH2' && (await this.challenge(xoauth2FailureChallenge())) === null) {
      return;
    }
    return this.sendErr('Authentication failed.', 'AUTH');
  }

  /**
   * Checks credentials and logs in (or answers [IN-USE] / [SYS/TEMP]). Resolves false only when
   * the credentials were rejected; that failure is answered here unless `reply` is 'on-success'
   * (XOAUTH2 answers it after its own failure challenge).
   */
  private async authenticate(
    credentials: Pop3Credentials,
    options: { reply: 'always' | 'on-success' } = { reply: 'always' },
  ): Promise<boolean> {
    let accepted: boolean;
    try {
      accepted = await this.context.authenticate(credentials);
    } catch {
      await this.sendErr('Authentication service unavailable.', 'SYS/TEMP');
      return true;
    }
    if (!accepted) {
      this.user = null;
      if (options.reply === 'always') await this.sendErr('Authentication failed.', 'AUTH');
      return false;
    }
    if (!this.context.mailbox.tryLock(this.lockOwner)) {
      this.user = null;
      await this.sendErr('Mailbox is locked by another POP3 session.', 'IN-USE');
      return true;
    }
    this.user = credentials.user;
    this.maildrop = new Maildrop(this.context.mailbox.snapshot(), (message) =>
      this.served(message),
    );
    this.state = 'TRANSACTION';
    await this.send(okLine('Logged in.'));
    return true;
  }

  /** Sends a SASL challenge and reads the client's response line; null when the client is gone. */
  private async challenge(data: string): Promise<string | null> {
    await this.send(Buffer.from(`+ ${data}\r\n`));
    if (this.stopped) return null;
    const line = await this.connection.readLine(this.context.limits.saslLineBytes);
    if (line === 'closed') return null;
    if (line === 'too-long') {
      await this.send(errLine('SASL response too long.'));
      this.finish();
      return null;
    }
    const response = line.toString('utf8');
    this.context.record(maskSaslResponse(response));
    return response;
  }

  private async stls(): Promise<void> {
    const context = this.context.starttls;
    if (!context) return this.send(errLine('Unknown command.'));
    if (this.connection.secure) return this.send(errLine('TLS is already active.'));
    const injection = this.context.faults.stlsInjection ?? '';
    await this.send(Buffer.concat([okLine('Begin TLS negotiation now.'), Buffer.from(injection)]));
    if (this.stopped) return;
    this.user = null;
    try {
      await this.connection.startTls(context);
    } catch {
      this.connection.destroy();
      this.stopped = true;
    }
  }

  private async quit(): Promise<void> {
    const maildrop = this.maildrop;
    if (this.state === 'TRANSACTION' && maildrop) {
      this.state = 'UPDATE';
      const deleted = this.context.mailbox.expunge(maildrop.marked);
      this.context.mailbox.unlock(this.lockOwner);
      await this.send(okLine(`Logging out, ${deleted} messages deleted.`));
    } else {
      await this.send(okLine('Logging out.'));
    }
    this.finish();
  }

  /** A message as RETR sends it: Courier hides 8-bit headers from clients not in UTF-8 mode. */
  private served(message: Pop3Message): Buffer {
    const { substituteUnicode } = this.context.capabilities;
    return substituteUnicode && !this.utf8 && hasEightBitHeader(message.data)
      ? unicodeNotice(message.data, this.noticeBoundary)
      : message.data;
  }

  private sendErr(text: string, code: RespCode): Promise<void> {
    return this.send(errLine(text, code, this.context.capabilities.respCodes));
  }

  private async send(reply: Buffer): Promise<void> {
    const { budget, pace, rewrite } = this.effects;
    const data = rewrite ? rewrite(reply) : reply;
    if (!(await this.connection.write(data, this.command, budget, pace))) this.stopped = true;
  }

  /** Graceful end of the session: FIN after the last reply. */
  private finish(): void {
    this.stopped = true;
    this.connection.end();
  }
}
