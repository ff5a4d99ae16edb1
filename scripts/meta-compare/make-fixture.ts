/**
 * `npx tsx scripts/meta-compare/make-fixture.ts SOURCE NAME`: a regression fixture for
 * test/fixtures/meta from one corpus message. The fields the metadata comes from (From, To, Cc,
 * Subject, Date, Message-ID and the MIME fields that declare a charset) are copied byte for byte,
 * folding and 8-bit bytes included; every other field and the body are left out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KEEP = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

const [source, name] = process.argv.slice(2);
if (!source || !name || !/^[a-z0-9-]+$/.test(name)) {
  process.stderr.write('usage: make-fixture.ts SOURCE NAME (NAME: lower case, digits, dashes)\n');
  process.exit(2);
}
const bytes = readFileSync(source);
const text = bytes.toString('latin1');
const end = text.search(/\r?\n\r?\n/);
const lines = (end < 0 ? text : text.slice(0, end)).split(/\r?\n/);
const kept: string[] = [];
let keeping = false;
for (const line of lines) {
  if (line.startsWith(' ') || line.startsWith('\t')) {
    if (keeping) kept.push(line);
    continue;
  }
  const colon = line.indexOf(':');
  keeping = colon > 0 && KEEP.has(line.slice(0, colon).trim().toLowerCase());
  if (keeping) kept.push(line);
}
const out = `${kept.join('\r\n')}\r\n\r\n(body left out)\r\n`;
const dir = fileURLToPath(new URL('../../test/fixtures/meta', import.meta.url));
writeFileSync(join(dir, `${name}.eml`), Buffer.from(out, 'latin1'));
process.stdout.write(`${name}.eml: ${kept.length} header lines\n`);
