/** Building blocks of the hostile corpus: exact bytes, never re-encoded. */

export const HOSTILE_CATEGORIES = [
  'bytes',
  'dots',
  'minimal',
  'headers',
  'encoded-words',
  'mime',
] as const;
export type HostileCategory = (typeof HOSTILE_CATEGORIES)[number];

export interface HostileMessage {
  /** Unique kebab-case name, usable in test names and as a UIDL. */
  readonly name: string;
  readonly category: HostileCategory;
  /** What the message attacks or probes. */
  readonly threat: string;
  readonly data: Buffer;
}

export type HostileCase = readonly [name: string, threat: string, build: () => Buffer];

/** A string whose characters are bytes (`\xe9` is one byte 0xE9). */
export const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Joins byte strings and Buffers. */
export const join = (...parts: readonly (string | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? bytes(part) : part)));

/** Standard, well-formed headers naming the case; `extra` lines go after them (CRLF each). */
export const headers = (name: string, extra: readonly string[] = []): string =>
  [
    'From: Mallory <mallory@example.net>',
    'To: Alice <alice@example.test>',
    `Subject: hostile ${name}`,
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    `Message-ID: <${name}@hostile.example.net>`,
    ...extra,
    '',
  ].join('\r\n');

/** A message with standard headers, a blank line and `body` as given. */
export const mail = (name: string, body: string | Buffer, extra: readonly string[] = []): Buffer =>
  join(headers(name, extra), '\r\n', body);

/** Repeats `unit` `count` times. */
export const repeat = (unit: string, count: number): string => unit.repeat(count);

/** Deterministic pseudo-random bytes (xorshift32), for binary bodies. */
export const noise = (length: number, seed: number): Buffer => {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[index] = state & 0xff;
  }
  return out;
};

export const materialize = (
  category: HostileCategory,
  cases: readonly HostileCase[],
): HostileMessage[] =>
  cases.map(([name, threat, build]) => ({ name, category, threat, data: build() }));
