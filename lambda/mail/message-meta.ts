/**
 * What popfwd knows about one archived message without re-reading it: parsed from the header block
 * while the raw bytes stream into the archive, and stored beside the raw `.eml`.
 */
export interface MailAddress {
  /** Display name, decoded from RFC 2047; '' when absent. */
  readonly name: string;
  /**
   * The address as written (domain and case unchanged, IDN in either form); compare
   * case-insensitively. An encoded-word local part is decoded, and a local part that needs quotes
   * carries them (`"john doe"@x.example`). '' for an empty, missing or unreadable address: a
   * display name is never taken for one (lambda/mail/parse-address.ts).
   */
  readonly address: string;
}

export interface HeaderField {
  /** Lower-case field name. */
  readonly name: string;
  /** Unfolded value with RFC 2047 encoded words decoded. */
  readonly value: string;
}

export interface MessageMeta {
  readonly uidl: string;
  /** Archive key of the raw message. */
  readonly key: string;
  /** Exact byte count of the archived message. */
  readonly size: number;
  /** Hex SHA-256 of the archived bytes. */
  readonly sha256: string;
  readonly archivedAt: string;
  readonly from: readonly MailAddress[];
  readonly sender: MailAddress | null;
  readonly replyTo: readonly MailAddress[];
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly bcc: readonly MailAddress[];
  /** Resent-To / Resent-Cc / Resent-Bcc, for "was this addressed to me" checks. */
  readonly resent: readonly MailAddress[];
  /**
   * Envelope sender as the receiving server recorded it (Return-Path); '' for the null sender `<>`,
   * null when the header is missing.
   */
  readonly returnPath: string | null;
  readonly subject: string;
  /**
   * The Date field as ISO 8601 UTC (`2002-08-06T15:48:09.000Z`), read the way real mail writes it
   * (lambda/mail/parse-date.ts); null when Date is missing or holds no date.
   */
  readonly date: string | null;
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  /** Top-level Content-Type (lower case, without parameters), '' when absent. */
  readonly contentType: string;
  /** Every header field in order, for `header` conditions and auto-reply suppression. */
  readonly headers: readonly HeaderField[];
  /**
   * Set when the header block could not be parsed (the fields above then fall back to empty) or
   * was too long to read whole (the fields above are those before the cut). Rules are not applied
   * to such a message.
   */
  readonly parseError?: string;
}

/** Facts that need the body; loaded only when a rule asks for them. */
export interface BodyFacts {
  /** Plain text of the message (text parts, HTML converted), capped at the configured scan limit. */
  readonly text: string;
  readonly hasAttachment: boolean;
  readonly attachmentCount: number;
  /** Set when the MIME structure was broken: the facts above are what could be read. */
  readonly parseError?: string;
}
