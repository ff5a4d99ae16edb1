/**
 * `npm run meta:compare`: popfwd's header parser beside Python's email package on real mail.
 * Parses each message with parseHeaderBlock and with scripts/meta-compare/python_meta.py
 * (policy=email.policy.default), compares From, To, Cc, Subject, Date and Message-ID, and sorts
 * every disagreement into popfwd right / Python right / both defensible by the rules of
 * classify.ts. Installs nothing; docs/METADATA.md says how to get the corpora.
 *
 *   npm run meta:compare                      every installed corpus
 *   npm run meta:compare -- DIR|FILE …        these messages instead (one message per file)
 *   --corpora DIR   where the npm corpora are installed (default .corpora, or POPFWD_CORPORA)
 *   --out DIR       report.md and disagreements.jsonl (default .meta-compare)
 *   --python BIN    the Python 3 to run (default python3, or POPFWD_PYTHON)
 *   --strict        exit 1 when any disagreement is judged "Python right" or is unclassified
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Disagreement } from './classify.js';
import { compareMessage } from './compare.js';
import { findCorpora } from './corpora.js';
import { FIELDS, type PythonResult } from './fields.js';
import { type FieldTally, renderReport } from './report.js';

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON_SCRIPT = fileURLToPath(new URL('./python_meta.py', import.meta.url));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    corpora: {
      type: 'string',
      default: process.env.POPFWD_CORPORA ?? join(PROJECT_DIR, '.corpora'),
    },
    out: { type: 'string', default: join(PROJECT_DIR, '.meta-compare') },
    python: { type: 'string', default: process.env.POPFWD_PYTHON ?? 'python3' },
    strict: { type: 'boolean', default: false },
  },
});

const log = (line: string): void => {
  process.stderr.write(`[meta:compare] ${line}\n`);
};

/** Python's reading of every file, in order, from one python3 process. */
const runPython = async (files: readonly string[]): Promise<Map<string, PythonResult>> => {
  const child = spawn(values.python, [PYTHON_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const results = new Map<string, PythonResult>();
  const lines = createInterface({ input: child.stdout });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${values.python} exited with ${code}`)),
    );
  });
  child.stdin.end(`${files.join('\n')}\n`);
  for await (const line of lines) {
    const result = JSON.parse(line) as PythonResult;
    results.set(result.file, result);
  }
  await done;
  return results;
};

const main = async (): Promise<number> => {
  const corpora = findCorpora(PROJECT_DIR, values.corpora, positionals);
  const total = corpora.reduce((sum, corpus) => sum + corpus.files.length, 0);
  if (total === 0) {
    log('no corpus found: see docs/METADATA.md ("Comparing with Python") to install one');
    return 2;
  }
  for (const corpus of corpora) log(`${corpus.name}: ${corpus.files.length} messages`);
  const python = await runPython(corpora.flatMap((corpus) => corpus.files));
  const tallies = new Map(FIELDS.map((field) => [field, { agree: 0, differ: 0 } as FieldTally]));
  const disagreements: Disagreement[] = [];
  const pythonFailures: string[] = [];
  for (const corpus of corpora) {
    for (const file of corpus.files) {
      const result = python.get(file);
      if (!result || result.fatal) {
        pythonFailures.push(`${file}: ${result?.fatal ?? 'no answer'}`);
        continue;
      }
      const comparison = compareMessage(corpus.name, file, readFileSync(file), result);
      for (const field of comparison.agreed) (tallies.get(field) as FieldTally).agree += 1;
      for (const disagreement of comparison.disagreements) {
        (tallies.get(disagreement.field) as FieldTally).differ += 1;
        disagreements.push(disagreement);
      }
    }
  }
  mkdirSync(values.out, { recursive: true });
  const pythonVersion = execFileSync(values.python, ['--version'], { encoding: 'utf8' }).trim();
  const report = renderReport({ corpora, tallies, disagreements, pythonFailures, pythonVersion });
  writeFileSync(join(values.out, 'report.md'), report);
  writeFileSync(
    join(values.out, 'disagreements.jsonl'),
    disagreements.map((entry) => JSON.stringify(entry)).join('\n') +
      (disagreements.length ? '\n' : ''),
  );
  process.stdout.write(report.split('\n## Disagreements')[0] ?? report);
  log(`report: ${join(values.out, 'report.md')}`);
  const open = disagreements.filter((d) => d.verdict === 'python' || d.verdict === 'unclassified');
  if (values.strict && open.length > 0) {
    log(`${open.length} disagreements where Python is right or no rule judged them`);
    return 1;
  }
  return 0;
};

process.exitCode = await main();
