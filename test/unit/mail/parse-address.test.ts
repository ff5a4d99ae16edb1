import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import { describe, expect, it } from 'vitest';
import { parseAddressList, parseReturnPath } from '../../../lambda/mail/parse-address.js';

/** What the full parser makes of a field: the reference for the fast path. */
const reference = (raw: string) =>
  addressparser(raw, { flatten: true }).map((entry) => ({
    name: libmime.decodeWords(entry.name).trim(),
    address: entry.address,
  }));

describe('parseAddressList', () => {
  it.each([
    'alice@example.test',
    '  alice@example.test  ',
    'Alice <alice@example.test>',
    'Alice Example <alice@example.test>',
    '=?UTF-8?Q?Carol_M=C3=BCller?= <carol@partner.example>',
    "O'Brien <ob@x.example>",
    'Jürgen <jürgen@bücher.example>',
    '<alice@example.test>',
    'Alice  <alice@example.test>',
  ])('reads %j as the full address parser does', (raw) => {
    expect(parseAddressList(raw)).toEqual(reference(raw));
  });

  it.each([
    [
      'a quoted name with a comma',
      '"Bob, Jr." <bob@x.example>',
      [{ name: 'Bob, Jr.', address: 'bob@x.example' }],
    ],
    ['a comment', 'bob@x.example (Bob)', [{ name: 'Bob', address: 'bob@x.example' }]],
    [
      'a list',
      'a@x.example, b@x.example',
      [
        { name: '', address: 'a@x.example' },
        { name: '', address: 'b@x.example' },
      ],
    ],
    ['a bare local part', 'MAILER-DAEMON', [{ name: '', address: 'MAILER-DAEMON' }]],
    ['an empty group', 'undisclosed-recipients:;', []],
    ['nothing', '', []],
  ])('reads %s', (_, raw, expected) => {
    expect(parseAddressList(raw)).toEqual(expected);
  });

  it.each([
    ['a quoted name that looks like an address, empty <>', '"victim@evil.example" <>'],
    ['an unquoted name that looks like an address, empty <>', 'victim@evil.example <>'],
    ['an encoded name that decodes to an address', '=?utf-8?q?victim=40evil.example?= <>'],
    ['an encoded word alone that decodes to an address', '=?utf-8?q?victim=40evil.example?='],
    ['a quoted string alone', '"victim@evil.example"'],
    ['an encoded word that brings its own domain', 'Bob <=?utf-8?q?victim=40evil.example?=>'],
    ['a quoted bare word, empty <>', '"MAILER-DAEMON" <>'],
    ['a name, empty <>', 'postmaster <>'],
  ])('never takes a display name for the address: %s', (_, raw) => {
    const parsed = parseAddressList(raw);

    expect(parsed.map((entry) => entry.address)).toEqual(parsed.map(() => ''));
    expect(parsed.map((entry) => entry.name).join()).not.toBe('');
  });

  it.each([
    [
      'a name with an "@" before a real address',
      '"victim@evil.example" <real@ok.example>',
      [{ name: 'victim@evil.example', address: 'real@ok.example' }],
    ],
    [
      'a comment with an "@"',
      'real@ok.example (victim@evil.example)',
      [{ name: 'victim@evil.example', address: 'real@ok.example' }],
    ],
    [
      'an empty mailbox beside a real one',
      '"victim@evil.example" <>, real@ok.example',
      [
        { name: 'victim@evil.example', address: '' },
        { name: '', address: 'real@ok.example' },
      ],
    ],
    [
      'a group whose member has an empty address',
      'team: "victim@evil.example" <>, real@ok.example;',
      [
        { name: 'victim@evil.example', address: '' },
        { name: '', address: 'real@ok.example' },
      ],
    ],
    [
      'an encoded local part with a written-out domain',
      'Bob <=?utf-8?q?b=C3=B6b?=@x.example>',
      [{ name: 'Bob', address: 'böb@x.example' }],
    ],
    [
      'an encoded local part that decodes to a space, quoted as RFC 5322 writes it',
      'Bob <=?utf-8?q?a_b?=@x.example>',
      [{ name: 'Bob', address: '"a b"@x.example' }],
    ],
  ])('reads %s', (_, raw, expected) => {
    expect(parseAddressList(raw)).toEqual(expected);
  });

  it('cuts a field with thousands of addresses at 500', () => {
    const raw = Array.from({ length: 2000 }, (_, index) => `u${index}@x.example`).join(', ');

    expect(parseAddressList(raw)).toHaveLength(500);
  });
});

describe('parseReturnPath', () => {
  it.each([
    ['<>', ''],
    ['<carol@partner.example>', 'carol@partner.example'],
    ['  <Carol@Partner.example>  ', 'Carol@Partner.example'],
    ['<"quoted local"@x.example>', '"quoted local"@x.example'],
    ['<<<>>>', ''],
  ])('reads %j as %j', (raw, expected) => {
    expect(parseReturnPath(raw)).toBe(expected);
  });
});
