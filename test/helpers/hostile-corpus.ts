/**
 * Hostile messages for robustness tests: each one named, with the threat it poses, as exact
 * deterministic bytes. Invariant 7: every one of them is archived raw and never blocks the
 * messages after it. Sizes range from 0 bytes to several MB.
 */

import { type HostileMessage, materialize } from './hostile/build.js';
import { BYTE_CASES } from './hostile/bytes.js';
import { DOT_CASES } from './hostile/dots.js';
import { ENCODED_WORD_CASES } from './hostile/encoded-words.js';
import { HEADER_CASES } from './hostile/headers.js';
import { MIME_CASES } from './hostile/mime.js';
import { MINIMAL_CASES } from './hostile/minimal.js';

export type { HostileMessage } from './hostile/build.js';

const ALL_CASES = [
  ...BYTE_CASES,
  ...DOT_CASES,
  ...MINIMAL_CASES,
  ...HEADER_CASES,
  ...ENCODED_WORD_CASES,
  ...MIME_CASES,
];

/** Every hostile message, in a fixed order; fresh Buffers on every call. */
export const hostileCorpus = (): HostileMessage[] => materialize(ALL_CASES);

/** One hostile message by name. */
export const hostileMessage = (name: string): HostileMessage => {
  const found = ALL_CASES.find(([caseName]) => caseName === name);
  if (!found) throw new Error(`no hostile message named "${name}"`);
  return materialize([found])[0] as HostileMessage;
};

/** The names only (cheap: no message is built). */
export const hostileNames = (): string[] => ALL_CASES.map(([name]) => name);
