/** What CAPA (RFC 2449) told us. `known: false` for pre-RFC 2449 servers that answer CAPA -ERR. */
export interface Capabilities {
  readonly known: boolean;
  readonly stls: boolean;
  readonly user: boolean;
  readonly uidl: boolean;
  readonly top: boolean;
  readonly pipelining: boolean;
  readonly respCodes: boolean;
  /** RFC 6856 UTF8: without the UTF8 command, some servers (Courier) replace 8-bit messages. */
  readonly utf8: boolean;
  /** Upper-case SASL mechanism names. */
  readonly sasl: readonly string[];
  /** LOGIN-DELAY seconds when announced. */
  readonly loginDelay: number | null;
  /** The raw lines, for diagnostics. */
  readonly lines: readonly string[];
}

/** Before CAPA, or when the server predates it: only what RFC 1939 guarantees. */
export const UNKNOWN_CAPABILITIES: Capabilities = {
  known: false,
  stls: false,
  user: true,
  uidl: false,
  top: false,
  pipelining: false,
  respCodes: false,
  utf8: false,
  sasl: [],
  loginDelay: null,
  lines: [],
};

export const parseCapabilities = (lines: readonly string[]): Capabilities => {
  const words = lines.map((line) => line.trim().split(/\s+/));
  const has = (name: string) => words.some((parts) => parts[0]?.toUpperCase() === name);
  const args = (name: string) =>
    words.find((parts) => parts[0]?.toUpperCase() === name)?.slice(1) ?? [];
  const delay = Number(args('LOGIN-DELAY')[0]);
  return {
    known: true,
    stls: has('STLS'),
    user: has('USER'),
    uidl: has('UIDL'),
    top: has('TOP'),
    pipelining: has('PIPELINING'),
    respCodes: has('RESP-CODES'),
    utf8: has('UTF8'),
    sasl: args('SASL').map((mechanism) => mechanism.toUpperCase()),
    loginDelay: Number.isFinite(delay) ? delay : null,
    lines,
  };
};
