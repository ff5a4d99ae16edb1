/**
 * Reads a recorded POP3 session (both directions) the way a server's replies pair with the
 * client's commands: one reply per command, in order (so pipelining is fine), multi-line replies
 * for CAPA, UIDL / LIST without argument, RETR and TOP, and SASL continuations after AUTH.
 * Plain connections only: after STLS the bytes are TLS and nothing further is read.
 */
import type { RecordedSession } from './wire-recorder.js';

export interface SessionReport {
  /** Commands as sent, PASS and SASL data masked. */
  readonly commands: readonly string[];
  /** What each RETR delivered (dot-unstuffed), by the UIDL the session listed for it. */
  readonly retrieved: ReadonlyMap<string, Buffer>;
  /** UIDLs of the messages DELE was accepted for. */
  readonly deleted: readonly string[];
  /** Whether QUIT was answered +OK (the deletions were committed). */
  readonly quitOk: boolean;
}

const MULTILINE = new Set(['CAPA', 'RETR', 'TOP']);

class ReplyReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  line(): Buffer | undefined {
    const at = this.bytes.indexOf('\r\n', this.offset);
    if (at === -1) return undefined;
    const line = this.bytes.subarray(this.offset, at);
    this.offset = at + 2;
    return line;
  }

  multiline(): Buffer | undefined {
    const parts: Buffer[] = [];
    for (;;) {
      const line = this.line();
      if (line === undefined) return undefined;
      if (line.length === 1 && line[0] === DOT) return Buffer.concat(parts);
      parts.push(line[0] === DOT ? line.subarray(1) : line, CRLF);
    }
  }
}

const isMultiline = (verb: string, argument: string | undefined): boolean =>
  MULTILINE.has(verb) || ((verb === 'UIDL' || verb === 'LIST') && argument === undefined);

export const readSession = (session: RecordedSession): SessionReport => {
  const lines = session.sent.toString('latin1').split('\r\n').slice(0, -1);
  const replies = new ReplyReader(session.received);
  const commands: string[] = [];
  const retrieved = new Map<string, Buffer>();
  const deleted: string[] = [];
  const uidls = new Map<number, string>();
  let quitOk = false;
  replies.line(); // greeting
  let inSasl = false;
  for (const line of lines) {
    const [rawVerb = '', argument] = line.split(' ', 2);
    const verb: string = inSasl ? '' : rawVerb.toUpperCase();
    commands.push(inSasl ? '(sasl data)' : verb === 'PASS' ? 'PASS ***' : line);
    const status = replies.line()?.toString('latin1');
    if (status === undefined) break;
    if (verb === 'STLS') break;
    inSasl = (verb === 'AUTH' || inSasl) && status.startsWith('+ ');
    if (!status.startsWith('+OK')) continue;
    if (verb === 'QUIT') quitOk = true;
    if (verb === 'UIDL' && argument !== undefined) {
      const [, n, uidl] = status.split(' ');
      if (n && uidl) uidls.set(Number(n), uidl);
    }
    if (verb === 'DELE') {
      const uidl = uidls.get(Number(argument));
      if (uidl !== undefined) deleted.push(uidl);
    }
    if (!isMultiline(verb, argument)) continue;
    const body = replies.multiline();
    if (body === undefined) break;
    if (verb === 'UIDL') {
      for (const entry of body.toString('latin1').split('\r\n').filter(Boolean)) {
        const [n, uidl = ''] = entry.split(' ');
        uidls.set(Number(n), uidl);
      }
    }
    if (verb === 'RETR') retrieved.set(uidls.get(Number(argument)) ?? `#${argument}`, body);
  }
  return { commands, retrieved, deleted, quitOk };
};

const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
