import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../lambda/mail/address-tokens.js';
import type { MailAddress } from '../../../lambda/mail/message-meta.js';
import { parseAddressList, parseReturnPath } from '../../../lambda/mail/parse-address.js';

type Case = readonly [what: string, raw: string, expected: MailAddress[]];

const one = (address: string, name = ''): MailAddress[] => [{ name, address }];

const table = (title: string, cases: readonly Case[]) =>
  describe(title, () => {
    it.each(cases)('reads %s', (_, raw, expected) => {
      expect(parseAddressList(raw)).toEqual(expected);
    });
  });

table('parseAddressList: a display name is never the address', [
  ['"Postmaster" <>', '"Postmaster" <>', one('', 'Postmaster')],
  ['Postmaster <>', 'Postmaster <>', one('', 'Postmaster')],
  ['an encoded name, empty <>', '=?utf-8?Q?Post_Master?= <>', one('', 'Post Master')],
  ['a name that is an address, empty <>', '"ceo@bank.example" <>', one('', 'ceo@bank.example')],
  ['a plain phrase without brackets', 'Deal Shopper', one('', 'Deal Shopper')],
  ['a quoted word alone', '"MAILER-DAEMON"', one('', 'MAILER-DAEMON')],
  ['an empty name and address', '"" <>', []],
]);

table('parseAddressList: groups (RFC 5322 §3.4)', [
  [
    'a group among mailboxes',
    'Team: a@x.example, "B" <b@x.example>;, c@x.example',
    [
      { name: '', address: 'a@x.example' },
      { name: 'B', address: 'b@x.example' },
      { name: '', address: 'c@x.example' },
    ],
  ],
  ['an empty group', 'undisclosed-recipients:;', []],
  ['an unterminated group', 'Team: a@x.example', one('a@x.example')],
  [
    'two groups',
    'A: a@x.example; B: b@x.example;',
    [
      { name: '', address: 'a@x.example' },
      { name: '', address: 'b@x.example' },
    ],
  ],
]);

table('parseAddressList: comments', [
  ['a comment as the name', 'bob@x.example (Bob Smith)', one('bob@x.example', 'Bob Smith')],
  ['a phrase over a comment', 'Bob <bob@x.example> (work)', one('bob@x.example', 'Bob')],
  ['a comment before the address', '(Bob) bob@x.example', one('bob@x.example', 'Bob')],
  ['a nested comment', 'bob@x.example ((Bob) Smith)', one('bob@x.example', '(Bob) Smith')],
  ['a comment inside the address', 'bob(x)@x.example', one('bob@x.example', 'x')],
  ['an unterminated comment', 'bob@x.example (Bob', one('bob@x.example', 'Bob')],
]);

table('parseAddressList: quoted local parts', [
  ['a quoted local part with a space', '"john doe"@x.example', one('"john doe"@x.example')],
  ['a quoted local part that needs no quotes', '"john"@x.example', one('john@x.example')],
  [
    'a quoted local part with an "@"',
    '"salestoner@bol.example"@relay.example',
    one('"salestoner@bol.example"@relay.example'),
  ],
  ['an escaped quote', '"a\\"b"@x.example', one('"a\\"b"@x.example')],
  ['an empty quoted local part', '""@x.example', one('""@x.example')],
  [
    'spaces inside angle brackets',
    '<Undisclosed Recipients@x.example>',
    one('"Undisclosed Recipients"@x.example'),
  ],
  [
    'dots a dot-atom forbids, kept bare',
    '<....@x.example>, john.@x.example',
    [
      { name: '', address: '....@x.example' },
      { name: '', address: 'john.@x.example' },
    ],
  ],
]);

table('parseAddressList: encoded words', [
  [
    'an encoded display name',
    '=?UTF-8?B?SsO8cmdlbg==?= <j@x.example>',
    one('j@x.example', 'Jürgen'),
  ],
  [
    'adjacent encoded words, joined',
    '=?utf-8?Q?Caf=C3=A9?= =?utf-8?Q?_Noir?= <c@x.example>',
    one('c@x.example', 'Café Noir'),
  ],
  [
    'an encoded word inside quotes',
    '"=?utf-8?Q?Caf=C3=A9?=" <c@x.example>',
    one('c@x.example', 'Café'),
  ],
  [
    'an encoded word glued to text',
    'David H=?ISO-8859-1?B?9g==?=hn <dh@x.example>',
    one('dh@x.example', 'David Höhn'),
  ],
  ['an encoded local part', '=?utf-8?B?aW5mbw==?=@example.com', one('info@example.com')],
  [
    'an encoded local part in brackets',
    'Bob <=?utf-8?q?b=C3=B6b?=@x.example>',
    one('böb@x.example', 'Bob'),
  ],
  [
    'an encoded local part that holds an "@", quoted',
    '=?iso-2022-jp?B?am9rb0Bycy4xMjgubmUuanA=?=@FreeBSD.ORG',
    one('"joko@rs.128.ne.jp"@FreeBSD.ORG'),
  ],
  [
    'an encoded word for the whole address',
    'Bob <=?utf-8?q?victim=40evil.example?=>',
    one('', 'Bob'),
  ],
  ['an encoded domain', 'bob@=?utf-8?q?evil.example?=', []],
]);

table('parseAddressList: international domains, as written', [
  [
    'a Unicode domain and local part',
    'Jürgen <jürgen@bücher.example>',
    one('jürgen@bücher.example', 'Jürgen'),
  ],
  ['a punycode domain', 'a@xn--bcher-kva.example', one('a@xn--bcher-kva.example')],
  ['upper case kept', 'Alice <Alice@Example.COM>', one('Alice@Example.COM', 'Alice')],
  ['a domain literal', 'user@[192.0.2.1]', one('user@[192.0.2.1]')],
  ['a domain ending in the root dot', 'karsten@web.example.', one('karsten@web.example.')],
  ['folding around the dots (obs-domain)', 'a@x .example', one('a@x.example')],
]);

table('parseAddressList: garbage gets no address', [
  ['two "@"', 'oolas@Cybertizens@msn.example', []],
  ['no local part', '@neto.example', []],
  ['no domain', 'a@', []],
  ['an empty domain label', 'a@x..example', []],
  ['a colon in the local part', '<C:`Bulk.txt@x.example>', []],
  ['group syntax inside brackets', '<Undisclosed-Recipient:;@x.example>', []],
  ['a bracketed local part', '[x]@x.example', []],
  ['a quoted domain', 'a@x."example"', []],
  ['a control character', '"\u0006"@x.example', []],
  ['a broken address keeps its name', 'Bob <a@b@c.example>', one('', 'Bob')],
  [
    'one broken entry among good ones',
    'a@x.example, @broken, b@x.example',
    [
      { name: '', address: 'a@x.example' },
      { name: '', address: 'b@x.example' },
    ],
  ],
]);

table('parseAddressList: what mailers get wrong and mail programs accept', [
  ['an obsolete source route', '<@relay.example:user@x.example>', one('user@x.example')],
  ['an unterminated angle address', 'Bob <bob@x.example', one('bob@x.example', 'Bob')],
  ['text after the brackets', '<a@x.example>junk.example', one('a@x.example')],
  ['a name glued to the brackets', 'Bob<bob@x.example>', one('bob@x.example', 'Bob')],
  [
    'empty entries between commas',
    'a@x.example,, ,b@x.example',
    [
      { name: '', address: 'a@x.example' },
      { name: '', address: 'b@x.example' },
    ],
  ],
  [
    'a local-only address in brackets',
    'Mail System <MAILER-DAEMON>',
    one('MAILER-DAEMON', 'Mail System'),
  ],
  ['a bare local part', 'MAILER-DAEMON', one('MAILER-DAEMON')],
]);

describe('parseReturnPath', () => {
  it.each([
    ['<@relay.example:bounce@x.example>', 'bounce@x.example'],
    ['<"john doe"@x.example>', '"john doe"@x.example'],
    ['<a@b@c.example>', ''],
    ['(comment) <a@x.example>', 'a@x.example'],
    ['a@x.example (comment)', 'a@x.example'],
    ['"Postmaster" <>', ''],
  ])('reads %j as %j', (raw, expected) => {
    expect(parseReturnPath(raw)).toBe(expected);
  });
});

describe('tokenize', () => {
  it('splits an address field into RFC 5322 tokens, one pass', () => {
    // Act
    const tokens = tokenize('"A \\"B\\"" (c (d)) <e@f> [g], h@i;:');

    // Assess
    expect(tokens.map(({ kind, text }) => [kind, text])).toEqual([
      ['quoted', 'A "B"'],
      ['comment', 'c (d)'],
      ['angle', 'e@f'],
      ['literal', '[g]'],
      ['special', ','],
      ['atom', 'h'],
      ['special', '@'],
      ['atom', 'i'],
      ['special', ';'],
      ['special', ':'],
    ]);
  });
});
