/**
 * The sandbox POP3 server's fault hooks: how a test makes the server misbehave instead of (or on
 * top of) doing the correct thing, and how the server carries that out. `popfwd sandbox` sets no
 * hook, so none of this runs there; it ships because the hooks are part of the server the tests
 * script. One union per command (from `onCommand`) or for the greeting; output shaping (chunking,
 * pacing) applies to everything written. The tests build faults and splitters with `fault.*` and
 * `split.*` (test/helpers/pop3/pop3-faults.ts).
 */
import type { Pop3State } from './pop3-capabilities.js';
import type { Pop3Connection, WriteBudget, WritePace } from './pop3-connection.js';

export type Pop3Fault =
  /** Send these bytes instead of handling the command; then go on, or close gracefully. */
  | { readonly kind: 'reply'; readonly data: Buffer; readonly close: boolean }
  /** Handle the command normally after a pause. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Handle the command normally; reset the connection after this many bytes of its replies. */
  | { readonly kind: 'cut'; readonly afterBytes: number }
  /** Handle the command normally, sending `map(reply)` instead of each reply. */
  | { readonly kind: 'rewrite'; readonly map: (reply: Buffer) => Buffer }
  /** Close the connection without a reply: TCP reset, or a graceful FIN. */
  | { readonly kind: 'drop'; readonly reset: boolean }
  /** Never answer again; the connection stays open until the client (or close()) ends it. */
  | { readonly kind: 'silence' }
  /** Handle the command normally, writing its replies `bytes` at a time, `everyMs` apart. */
  | { readonly kind: 'drip'; readonly everyMs: number; readonly bytes: number }
  /**
   * Send what `chunks` yields instead of handling the command, for as long as it yields and the
   * client reads (e.g. a RETR that never ends); then go on.
   */
  | { readonly kind: 'stream'; readonly chunks: () => AsyncIterable<Buffer> };

/** What a command hook learns about a command. PASS and AUTH payloads arrive masked. */
export interface Pop3CommandInfo {
  /** 1-based, in the order the server accepted connections. */
  readonly session: number;
  /** 1-based position of this command in its session. */
  readonly sequence: number;
  /** Upper-case keyword, e.g. `RETR`. */
  readonly name: string;
  readonly args: readonly string[];
  /** The command line as the transcript records it. */
  readonly line: string;
  readonly state: Pop3State;
  /** From USER or a successful AUTH; null before. */
  readonly user: string | null;
  readonly secure: boolean;
}

export type Pop3CommandHook = (
  command: Pop3CommandInfo,
) => Pop3Fault | undefined | Promise<Pop3Fault | undefined>;

/** Cuts one reply into the chunks to write; `command` is the keyword, or `GREETING`. */
export type ReplySplitter = (reply: Buffer, command: string) => readonly Buffer[];

export interface Pop3OutputShaping {
  /** Write every reply in these pieces (each its own socket write, paced by delayMs). */
  readonly split?: ReplySplitter;
  /** Pause after every chunk written. @default 1 when split is set, else 0 */
  readonly delayMs?: number;
}

export interface Pop3Faults {
  /** Replaces the normal `+OK` greeting (e.g. a `-ERR busy` reply that closes). */
  readonly greeting?: Pop3Fault;
  /** Asked before every command line; `undefined` means handle it normally. */
  readonly onCommand?: Pop3CommandHook;
  readonly output?: Pop3OutputShaping;
  /**
   * Plaintext sent in the same write right after `+OK` to STLS, before the handshake (STARTTLS
   * response injection). A correct client discards it.
   */
  readonly stlsInjection?: string | Buffer;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How a fault changes the replies its command sends: cut short, rewritten or dripped. */
export interface ReplyEffects {
  readonly budget?: WriteBudget;
  readonly pace?: WritePace;
  readonly rewrite?: (reply: Buffer) => Buffer;
}

/** Fresh for each command: a cut's budget counts down over that command's replies only. */
export const replyEffects = (fault: Pop3Fault | undefined): ReplyEffects => {
  switch (fault?.kind) {
    case 'cut':
      return { budget: { remaining: fault.afterBytes } };
    case 'rewrite':
      return { rewrite: fault.map };
    case 'drip':
      return { pace: { everyMs: fault.everyMs, bytes: fault.bytes } };
    default:
      return {};
  }
};

/** What a fault acts on: the session answering the command. */
export interface FaultTarget {
  readonly connection: Pop3Connection;
  /** Sends a reply the way the command's own replies go (with its ReplyEffects). */
  send(reply: Buffer): Promise<void>;
  /** Graceful end of the session: FIN after the last reply. */
  finish(): void;
  /** Reads no more commands. */
  stop(): void;
}

/**
 * Runs `handle` (the command's normal handling) under a fault: replaced, delayed, or not at all.
 * Cut, rewrite and drip run it normally and act on what it sends (replyEffects).
 */
export const performFault = async (
  fault: Pop3Fault | undefined,
  name: string,
  target: FaultTarget,
  handle: () => Promise<void>,
): Promise<void> => {
  switch (fault?.kind) {
    case undefined:
    case 'cut':
    case 'rewrite':
    case 'drip':
      return handle();
    case 'delay':
      await sleep(fault.ms);
      return handle();
    case 'reply':
      await target.send(fault.data);
      if (fault.close) target.finish();
      return;
    case 'drop':
      if (fault.reset) target.connection.reset();
      else target.connection.destroy();
      target.stop();
      return;
    case 'silence':
      target.stop();
      return target.connection.discardUntilClosed();
    case 'stream':
      for await (const chunk of fault.chunks()) {
        if (!(await target.connection.write(chunk, name))) {
          target.stop();
          return;
        }
      }
      return;
  }
};
