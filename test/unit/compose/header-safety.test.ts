import { describe, expect, it } from 'vitest';
import {
  foldedHeaderText,
  headerText,
  mailboxAddress,
  messageIdHeader,
  normalizedAddress,
  normalizedMessageId,
} from '../../../lambda/compose/header-safety.js';
import { hasCode } from '../../../lambda/errors.js';

const thrown = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('headerText', () => {
  it.each([
    ['CRLF header injection', 'Out of office\r\nBcc: victim@example.com'],
    ['bare LF injection', 'Hi\nX-Evil: 1'],
    ['bare CR', 'Hi\rthere'],
    ['NUL truncation', 'Hi\u0000there'],
    ['other control', 'bell\u0007'],
  ])('rejects %s with EARGUMENT naming the field', (_name, value) => {
    const error = thrown(() => headerText('Subject', value));

    expect(hasCode(error, 'EARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('Subject');
  });

  it('keeps tabs and non-ASCII text', () => {
    expect(headerText('Subject', 'Grüße\tfrom 東京')).toBe('Grüße\tfrom 東京');
  });
});

describe('foldedHeaderText', () => {
  it('flattens an injected header from the original onto one line', () => {
    expect(foldedHeaderText('Report\r\nBcc: victim@example.com\r\n\r\nbody')).toBe(
      'Report Bcc: victim@example.com body',
    );
  });

  it('removes NUL, DEL and Unicode line separators', () => {
    expect(foldedHeaderText('a\u0000b\u007fc\u2028d')).toBe('a b c d');
  });
});

describe('mailboxAddress', () => {
  it('accepts a plain mailbox and lower-cases an IDN domain to ASCII', () => {
    expect(mailboxAddress('To', 'Me.Phone+fwd@Bücher.Example')).toBe(
      'Me.Phone+fwd@xn--bcher-kva.example',
    );
  });

  it.each([
    ['a CRLF-injected recipient', 'me@phone.example\r\nRCPT TO:<victim@example.com>'],
    ['a second address', 'me@phone.example, victim@example.com'],
    ['a display name', 'Me <me@phone.example>'],
    ['no domain dot', 'me@localhost'],
    ['an empty local part', '@phone.example'],
    ['a quoted local part', '"me"@phone.example'],
    ['spaces', 'me @phone.example'],
    ['angle brackets', '<me@phone.example>'],
    ['a NUL', 'me\u0000@phone.example'],
    ['an over-long local part', `${'a'.repeat(65)}@phone.example`],
  ])('rejects %s', (_name, value) => {
    expect(
      hasCode(
        thrown(() => mailboxAddress('To', value)),
        'EARGUMENT',
      ),
    ).toBe(true);
  });

  it('answers null instead of throwing for addresses taken from an original', () => {
    expect(normalizedAddress('not an address')).toBeNull();
  });
});

describe('message ids', () => {
  it('adds the angle brackets a bare id lacks', () => {
    expect(messageIdHeader('Message-ID', 'fwd-1@popfwd.example')).toBe('<fwd-1@popfwd.example>');
  });

  it.each([
    ['injected CRLF', '<a@b>\r\nBcc: victim@example.com'],
    ['whitespace', '<a b@c>'],
    ['no @', '<ab>'],
    ['two ids', '<a@b> <c@d>'],
  ])('rejects %s', (_name, value) => {
    expect(
      hasCode(
        thrown(() => messageIdHeader('Message-ID', value)),
        'EARGUMENT',
      ),
    ).toBe(true);
    expect(normalizedMessageId(value)).toBeNull();
  });
});
