/**
 * BENCHMARKS.md holds hand-written analysis and generated sections. Each benchmark rewrites only
 * its own section, between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; a missing section is
 * appended.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const replaceSection = (document: string, name: string, body: string): string => {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from === -1 || to === -1 || to < from) return `${document.trimEnd()}\n\n${block}\n`;
  return document.slice(0, from) + block + document.slice(to + end.length);
};

/** Replaces the section and formats the file as `npm run lint` expects (aligned tables). */
export const writeSection = async (path: string, name: string, body: string): Promise<void> => {
  const current = await readFile(path, 'utf8').catch(() => '# Benchmarks\n');
  await writeFile(path, replaceSection(current, name, body));
  const biome = join(dirname(path), 'node_modules', '.bin', 'biome');
  spawnSync(biome, ['format', '--write', path], { stdio: 'ignore' });
};

/** A Markdown table. */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
