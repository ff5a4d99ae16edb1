/**
 * Hostile messages for robustness tests: each one named, with its category and the threat it
 * poses, as exact deterministic bytes (0 bytes to a few MB). Invariant 7: every one of them is
 * archived raw and never blocks the messages after it.
 */
import {
  HOSTILE_CATEGORIES,
  type HostileCase,
  type HostileCategory,
  type HostileMessage,
  materialize,
} from './hostile/build.js';
import { BYTE_CASES } from './hostile/bytes.js';
import { DOT_CASES } from './hostile/dots.js';
import { ENCODED_WORD_CASES } from './hostile/encoded-words.js';
import { HEADER_CASES } from './hostile/headers.js';
import { MIME_CASES } from './hostile/mime.js';
import { MINIMAL_CASES } from './hostile/minimal.js';

export { HOSTILE_CATEGORIES, type HostileCategory, type HostileMessage } from './hostile/build.js';

const CASES: Readonly<Record<HostileCategory, readonly HostileCase[]>> = {
  bytes: BYTE_CASES,
  dots: DOT_CASES,
  minimal: MINIMAL_CASES,
  headers: HEADER_CASES,
  'encoded-words': ENCODED_WORD_CASES,
  mime: MIME_CASES,
};

/** The hostile messages of these categories (default: all), in a fixed order; fresh Buffers. */
export const hostileCorpus = (
  categories: readonly HostileCategory[] = HOSTILE_CATEGORIES,
): HostileMessage[] => categories.flatMap((category) => materialize(category, CASES[category]));

/** One hostile message by name. */
export const hostileMessage = (name: string): HostileMessage => {
  for (const category of HOSTILE_CATEGORIES) {
    const found = CASES[category].find(([caseName]) => caseName === name);
    if (found) return materialize(category, [found])[0] as HostileMessage;
  }
  throw new Error(`no hostile message named "${name}"`);
};

/** The names only (cheap: no message is built). */
export const hostileNames = (): string[] =>
  HOSTILE_CATEGORIES.flatMap((category) => CASES[category].map(([name]) => name));
