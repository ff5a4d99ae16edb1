/** `npm run charsets`: writes lambda/bundle-shims/single-byte-tables.ts from iconv-lite. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderSingleByteTables } from './single-byte-charsets.js';

const target = fileURLToPath(
  new URL('../lambda/bundle-shims/single-byte-tables.ts', import.meta.url),
);
await writeFile(target, renderSingleByteTables());
process.stdout.write(`wrote ${target}\n`);
