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
