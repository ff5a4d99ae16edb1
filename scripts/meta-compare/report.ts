import { type Disagreement, RULES, type Verdict } from './classify.js';
import type { Corpus } from './corpora.js';
import { FIELDS, type Field } from './fields.js';

export interface FieldTally {
  agree: number;
  differ: number;
}

export interface ReportInput {
  readonly corpora: readonly Corpus[];
  readonly tallies: ReadonlyMap<Field, FieldTally>;
  readonly disagreements: readonly Disagreement[];
  readonly pythonFailures: readonly string[];
  /** `Python 3.11.7`, as the interpreter names itself. */
  readonly pythonVersion: string;
}

const VERDICTS: readonly Verdict[] = ['popfwd', 'python', 'both', 'unclassified'];

const percent = (part: number, whole: number): string =>
  whole === 0 ? '–' : `${((100 * part) / whole).toFixed(2)} %`;

const show = (value: unknown): string => JSON.stringify(value);

/** Markdown: agreement per field, verdicts per field, then every disagreement by rule. */
export const renderReport = (input: ReportInput): string => {
  const { corpora, tallies, disagreements } = input;
  const messages = corpora.reduce((sum, corpus) => sum + corpus.files.length, 0);
  const lines: string[] = ['# popfwd vs Python email: header metadata', ''];
  lines.push(
    `${messages} messages: ${corpora.map((c) => `${c.name} ${c.files.length}`).join(', ')}. ` +
      `Reference: ${input.pythonVersion}, email.policy.default.`,
  );
  if (input.pythonFailures.length)
    lines.push('', `Python could not read ${input.pythonFailures.length} (left out).`);
  lines.push(
    '',
    '| field | agree | differ | agreement | popfwd right | Python right | both defensible | unclassified |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const field of FIELDS) {
    const tally = tallies.get(field) ?? { agree: 0, differ: 0 };
    const counts = VERDICTS.map(
      (verdict) => disagreements.filter((d) => d.field === field && d.verdict === verdict).length,
    );
    lines.push(
      `| ${field} | ${tally.agree} | ${tally.differ} | ${percent(tally.agree, tally.agree + tally.differ)} | ${counts.join(' | ')} |`,
    );
  }
  lines.push('', '| rule | verdict | count | why |', '| --- | --- | ---: | --- |');
  for (const rule of RULES) {
    const count = disagreements.filter((d) => d.rule === rule.id).length;
    if (count) lines.push(`| ${rule.id} | ${rule.verdict} | ${count} | ${rule.why} |`);
  }
  lines.push('', '## Disagreements', '');
  const groups = new Map<string, Disagreement[]>();
  for (const entry of disagreements) {
    const key = `${entry.verdict} / ${entry.rule || '(no rule)'} / ${entry.field}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  for (const [key, entries] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`### ${key} (${entries.length})`, '');
    for (const entry of entries.slice(0, 25)) {
      lines.push(`- \`${entry.file}\``);
      lines.push(`  - raw: ${show(entry.raw)}`);
      lines.push(`  - popfwd: ${show(entry.popfwd)}`);
      lines.push(`  - python: ${show(entry.python)}${entry.pythonNaive ? ' (no zone)' : ''}`);
    }
    if (entries.length > 25) lines.push(`- … ${entries.length - 25} more in disagreements.jsonl`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
};
