/** What the server received, for assertions; secrets are masked as each line is recorded. */

export interface Pop3TranscriptEntry {
  /** 1-based, in the order the server accepted connections. */
  readonly session: number;
  /** The line as received, without CRLF; PASS and SASL payloads replaced by `****`. */
  readonly line: string;
}

export const MASK = '****';

/** Masks the password of PASS and the initial response of AUTH. */
export const maskCommand = (line: string): string => {
  const pass = /^(PASS)(\s.*)?$/i.exec(line);
  if (pass) return pass[2] === undefined ? line : `${pass[1]} ${MASK}`;
  const auth = /^(AUTH\s+\S+)\s+\S.*$/i.exec(line);
  return auth ? `${auth[1]} ${MASK}` : line;
};

/** A SASL response line: only the empty line and the `*` cancel are shown as sent. */
export const maskSaslResponse = (line: string): string =>
  line === '' || line === '*' ? line : MASK;
