/**
 * Which charset a message's raw 8-bit header bytes are most likely in, from what the message
 * itself declares. The mailer that wrote 8-bit bytes into a header wrote them in its local charset,
 * and it names that charset elsewhere in the same message:
 *
 * 1. the top-level Content-Type's charset parameter (`text/plain; charset=koi8-r`);
 * 2. else (a multipart message declares none at the top) the charset of its encoded words, when
 *    it wrote some fields properly (`Subject: =?big5?Q?…?=` beside a raw Big5 `From`). UTF-8 and
 *    ASCII words are skipped: bytes that are not valid UTF-8 are not in either.
 */

// Each `\s*` sits between literals and the name is a bounded class: nothing to backtrack into.
const CHARSET_PARAM = /;\s*charset\s*=\s*"?([A-Za-z0-9._:+-]{1,40})/i;
const ENCODED_WORD_CHARSET = /=\?([A-Za-z0-9._:+-]{1,40})(?:\*[A-Za-z0-9-]{0,20})?\?[BbQq]\?/g;
const UNHELPFUL = /^(?:utf-?8|(?:us-)?ascii)$/i;
/** Fields longer than this are only searched this far: a charset sits near the start. */
const SCAN_LIMIT = 4096;

/** Names mail programs wrote that libmime does not know. */
const ALIASES: Readonly<Record<string, string>> = {
  // Outlook Express' names for Big5 and GB2312
  chinesebig5: 'big5',
  'x-x-big5': 'big5',
  'x-gbk': 'gbk',
};

const canonical = (name: string): string => ALIASES[name.toLowerCase()] ?? name;

interface Field {
  readonly name: string;
  readonly raw: string;
}

/** The declared charset of a header block's fields (lower-case names, raw values), or null. */
export const declaredCharset = (fields: readonly Field[]): string | null => {
  const contentType = fields.find((field) => field.name === 'content-type');
  const param = CHARSET_PARAM.exec(contentType?.raw.slice(0, SCAN_LIMIT) ?? '')?.[1];
  if (param) return canonical(param);
  for (const field of fields) {
    const value = field.raw.slice(0, SCAN_LIMIT);
    if (!value.includes('=?')) continue;
    for (const match of value.matchAll(ENCODED_WORD_CHARSET)) {
      const charset = match[1] ?? '';
      if (!UNHELPFUL.test(charset)) return canonical(charset);
    }
  }
  return null;
};
