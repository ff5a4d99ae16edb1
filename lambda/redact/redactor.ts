/**
 * Masks the secrets a run knows (password, access and refresh tokens) in text that came from
 * outside: a server's reply, a token endpoint's error. Applied where such text enters popfwd (the
 * POP3 reply parser, the SMTP and OAuth2 error paths), and once more in the log sink as a net.
 *
 * A secret is looked for as itself, URL- and form-encoded, and in base64: the exact SASL payloads
 * that carry it (PLAIN `\0user\0password`, LOGIN's base64 password, XOAUTH2's `user=…^Aauth=Bearer
 * …^A^A`), and its own bytes at each of the three base64 alignments, so base64 of any text that
 * embeds it loses the part that encodes it.
 *
 * Short secrets: one of fewer than 8 characters would also match inside ordinary words and numbers
 * ("mail" in "mailbox", a 4-digit PIN in a byte count), so it is masked only as a whole word, not
 * touching a letter or digit on either side. That still catches an echo (`wrong password "abc1"`,
 * `-ERR abc1`) without rewriting every line that happens to contain it.
 */

export const REDACTED = '[redacted]';

/** Secrets this long are masked wherever they appear; shorter ones as whole words only. */
export const ANYWHERE_MIN_LENGTH = 8;

const WORD_CHAR = 'A-Za-z0-9';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

const base64 = (bytes: Buffer): string => bytes.toString('base64');
const base64url = (text: string): string =>
  text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The base64 characters that encode only `secret`'s bytes when `offset` bytes precede it. */
const base64Core = (secret: Buffer, offset: number): string => {
  const encoded = base64(Buffer.concat([Buffer.alloc(offset), secret])).replace(/=+$/, '');
  const first = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + secret.length) * 8) / 6);
  return encoded.slice(first, end);
};

/** The text forms of a value: itself and its URL encodings. */
const textForms = (value: string): string[] => [
  value,
  encodeURIComponent(value),
  new URLSearchParams({ v: value }).toString().slice(2),
];

/** The base64 of a whole payload, padded or not, standard and URL-safe. */
const payloadForms = (payload: string): string[] => {
  const encoded = base64(Buffer.from(payload, 'utf8'));
  return [encoded, encoded.replace(/=+$/, ''), base64url(encoded)];
};

/** Base64 text whose decoding may carry a secret; anything else is left alone. */
const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;

export class Redactor {
  /** Forms masked wherever they appear, and forms masked as whole words. */
  readonly #anywhere = new Set<string>();
  readonly #words = new Set<string>();
  #pattern: RegExp | null | undefined;

  /** A redactor for a fixed list of values, e.g. the form fields of one token request. */
  static of(secrets: readonly string[]): Redactor {
    const redactor = new Redactor();
    for (const secret of secrets) redactor.add(secret);
    return redactor;
  }

  /** Whether any secret is known. */
  get empty(): boolean {
    return this.#anywhere.size === 0 && this.#words.size === 0;
  }

  /**
   * A secret: itself, URL-encoded, in base64 (as SASL LOGIN sends a password), and its bytes in
   * base64 at any alignment.
   */
  add(secret: string): this {
    if (secret.length === 0) return this;
    const long = secret.length >= ANYWHERE_MIN_LENGTH;
    for (const form of [...textForms(secret), ...payloadForms(secret)]) this.#form(form, long);
    if (long) {
      const bytes = Buffer.from(secret, 'utf8');
      for (const offset of [0, 1, 2]) {
        const core = base64Core(bytes, offset);
        this.#form(core, true);
        this.#form(base64url(core), true);
      }
    }
    return this;
  }

  /** A password, and the SASL PLAIN payloads that carry it for `user` (LOGIN's is add's base64). */
  addPassword(user: string, password: string): this {
    if (password.length === 0) return this;
    this.add(password);
    for (const payload of [`\0${user}\0${password}`, `${user}\0${user}\0${password}`]) {
      for (const form of payloadForms(payload)) this.#form(form, true);
    }
    return this;
  }

  /** An OAuth2 access token, and the XOAUTH2 payload that carries it for `user`. */
  addAccessToken(user: string, token: string): this {
    if (token.length === 0) return this;
    this.add(token);
    for (const form of payloadForms(`user=${user}\x01auth=Bearer ${token}\x01\x01`)) {
      this.#form(form, true);
    }
    return this;
  }

  /** `text` with every known secret replaced by [redacted]. */
  redact(text: string): string {
    const pattern = this.#compiled();
    return pattern ? text.replace(pattern, REDACTED) : text;
  }

  /**
   * A SASL challenge or other base64 from a server: masked as text, and if it decodes to text
   * that holds a secret, replaced by the base64 of that text masked (so it still decodes).
   */
  redactBase64(text: string): string {
    const masked = this.redact(text);
    if (masked !== text || this.empty || !BASE64_TEXT.test(text)) return masked;
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    const clean = this.redact(decoded);
    return clean === decoded ? text : base64(Buffer.from(clean, 'utf8'));
  }

  /**
   * A copy of `value` with every string in it masked, objects and arrays deeply: for log fields
   * and summaries. Errors are masked in place (redactError); other class instances are kept.
   */
  redactValue<T>(value: T): T {
    if (this.empty) return value;
    return this.#value(value, 0) as T;
  }

  /**
   * The net for an error leaving popfwd (printed, logged, thrown to the Lambda runtime): its
   * message, stack, string fields, context and causes masked in place, so it keeps its class and
   * code. Errors are masked where server text enters; this catches what slipped through.
   */
  redactError<T>(error: T): T {
    if (!this.empty) this.#error(error, 0);
    return error;
  }

  #error(error: unknown, depth: number): void {
    if (depth > 5 || !(error instanceof Error)) return;
    const fields = error as unknown as Record<string, unknown>;
    try {
      error.message = this.redact(error.message);
      if (typeof error.stack === 'string') error.stack = this.redact(error.stack);
      for (const [key, value] of Object.entries(fields)) {
        if (key === 'cause') continue;
        if (typeof value === 'string' || (value !== null && typeof value === 'object'))
          fields[key] = this.#value(value, depth + 1);
      }
    } catch {
      // a frozen foreign error: its cause may still be ours to mask
    }
    this.#error(error.cause, depth + 1);
  }

  #value(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) {
      this.#error(value, depth);
      return value;
    }
    if (Array.isArray(value)) return value.map((item) => this.#value(item, depth + 1));
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, this.#value(item, depth + 1)]),
    );
  }

  #form(form: string, anywhere: boolean): void {
    if (form.length === 0) return;
    const set = anywhere ? this.#anywhere : this.#words;
    if (set.has(form)) return;
    set.add(form);
    this.#pattern = undefined;
  }

  /** One expression for all forms, longest first, so a payload wins over the secret inside it. */
  #compiled(): RegExp | null {
    if (this.#pattern !== undefined) return this.#pattern;
    const byLength = (a: string, b: string) => b.length - a.length;
    const anywhere = [...this.#anywhere].sort(byLength).map(escapeRegExp);
    const words = [...this.#words].sort(byLength).map(escapeRegExp);
    const parts = [
      ...(anywhere.length > 0 ? [anywhere.join('|')] : []),
      ...(words.length > 0 ? [`(?<![${WORD_CHAR}])(?:${words.join('|')})(?![${WORD_CHAR}])`] : []),
    ];
    this.#pattern = parts.length > 0 ? new RegExp(parts.join('|'), 'g') : null;
    return this.#pattern;
  }
}
