/**
 * Every bound on what a POP3 server controls, in one place. Exceeding one is a coded error, never
 * unbounded memory or an endless wait.
 */
export const POP3_LIMITS = {
  /** Status lines and CAPA/LIST/UIDL lines. RFC 2449 allows 512 octets; real servers stay far below. */
  maxLineBytes: 8 * 1024,
  /** A whole LIST/UIDL/CAPA response (10,000 UIDL lines are ~0.5 MB). */
  maxListingBytes: 64 * 1024 * 1024,
  /** RFC 2449 §4: a command line, CRLF included, is at most 255 octets. */
  maxCommandBytes: 255,
  /** RFC 2449 §4: a UID is 1 to 70 characters in 0x21–0x7E. */
  maxUidlLength: 70,
  /** Longer UIDs than RFC 1939's 70 are accepted up to this; a longer one rejects its line only. */
  maxAcceptedUidlLength: 512,
} as const;

export const POP3_TIMEOUTS = {
  /** TCP connect and the TLS handshake. */
  connectMs: 15_000,
  /** From connection to the greeting. */
  greetingMs: 15_000,
  /** Silence from the server while we wait for a reply (reset by every byte received). */
  idleMs: 60_000,
  /**
   * The last stretch before the session deadline: only QUIT is written in it, so its reply can
   * arrive before the deadline, when whatever is still in flight is abandoned.
   */
  closeGraceMs: 2_000,
} as const;

export type Pop3Timeouts = { -readonly [K in keyof typeof POP3_TIMEOUTS]: number };

export const PIPELINE_DEFAULTS = {
  /** Commands written ahead of their replies. */
  maxInFlight: 100,
  /**
   * Announced message bytes in flight. Data in flight waits in the network, not in our memory
   * (backpressure pauses the socket), so this only bounds what an early stop must drain.
   */
  maxInFlightBytes: 16 * 1024 * 1024,
} as const;
