import { describe, expect, it } from 'vitest';
import {
  attachmentIntro,
  forwardSubject,
  prependToHtml,
  quotedHeaderHtml,
  quotedHeaderText,
  rfc5322Date,
} from '../../../lambda/compose/forward-text.js';
import { metaFor } from '../../helpers/mail/compose-fixtures.js';

describe('forwardSubject', () => {
  it.each([
    ['Quarterly numbers', 'Fwd: Quarterly numbers'],
    ['Fwd: Quarterly numbers', 'Fwd: Quarterly numbers'],
    ['FW: Quarterly numbers', 'FW: Quarterly numbers'],
    ['fwd:Quarterly numbers', 'fwd:Quarterly numbers'],
    ['Re: Quarterly numbers', 'Fwd: Re: Quarterly numbers'],
    ['Fwdx: not a prefix', 'Fwd: Fwdx: not a prefix'],
    ['', 'Fwd: (no subject)'],
  ])('turns %j into %j', (subject, expected) => {
    expect(forwardSubject(subject)).toBe(expected);
  });

  it('flattens a subject carrying an injected header', () => {
    expect(forwardSubject('Hi\r\nBcc: victim@example.com')).toBe('Fwd: Hi Bcc: victim@example.com');
  });
});

describe('quoted header block', () => {
  it('lists From, Date, Subject and To of the original, leaving out empty fields', () => {
    expect(quotedHeaderText(metaFor())).toBe(
      [
        '---------- Forwarded message ----------',
        'From: Bob Sender <bob@sender.example>',
        'Date: Wed, 25 Nov 2026 08:30:00 +0000',
        'Subject: Quarterly numbers',
        'To: Alice <alice@example.test>',
        '',
        '',
      ].join('\n'),
    );
  });

  it('shows a sender without an address as a quoted name with an empty <>', () => {
    const text = quotedHeaderText(
      metaFor({ from: [{ name: 'victim@evil.example', address: '' }] }),
    );

    expect(text).toContain('\nFrom: "victim@evil.example" <>\n');
  });

  it('escapes markup from the original in the HTML block', () => {
    const html = quotedHeaderHtml(
      metaFor({
        subject: '<script>alert(1)</script>',
        from: [{ name: 'A & B', address: 'a@b.example' }],
      }),
    );

    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('A &amp; B &lt;a@b.example&gt;');
    expect(html).not.toContain('<script>');
  });

  it('puts the block inside the body of a full HTML document', () => {
    expect(prependToHtml('<html><body class="x"><p>hi</p></body></html>', '<div>Q</div>')).toBe(
      '<html><body class="x"><div>Q</div><p>hi</p></body></html>',
    );
  });

  it('puts the block in front of an HTML fragment', () => {
    expect(prependToHtml('<p>hi</p>', '<div>Q</div>')).toBe('<div>Q</div><p>hi</p>');
  });

  it('finds no body tag in a hostile run of unclosed <body in linear time', () => {
    const html = '<body'.repeat(200_000);

    const start = performance.now();
    const out = prependToHtml(html, '<div>Q</div>');

    // `<body\b[^>]*>` took about 5 s on a tenth of this
    expect(performance.now() - start).toBeLessThan(2_000);
    expect(out).toBe(`<div>Q</div>${html}`);
  });
});

describe('attachmentIntro', () => {
  it('names the mailbox, the rule and the original', () => {
    const intro = attachmentIntro(metaFor(), 'alice@example.test', 'boss to phone');

    expect(intro).toContain('Forwarded by popfwd for alice@example.test (rule "boss to phone").');
    expect(intro).toContain('Subject: Quarterly numbers');
  });
});

describe('rfc5322Date', () => {
  it('writes the zone as +0000', () => {
    expect(rfc5322Date(new Date('2026-11-26T10:00:00Z'))).toBe('Thu, 26 Nov 2026 10:00:00 +0000');
  });
});
