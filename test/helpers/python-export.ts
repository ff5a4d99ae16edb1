import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One message as Python's mailbox module reads it back from an export (read_export.py). */
export interface PythonEntry {
  readonly id: string;
  readonly size: number;
  readonly sha256: string;
  /** Maildir: cur or new. */
  readonly folder?: string;
  /** Maildir: the file's mtime, seconds. */
  readonly mtime?: number;
}

const SCRIPT = fileURLToPath(new URL('./python/read_export.py', import.meta.url));

/** Reads an export with python3 (the independent reader the export must satisfy). */
export const readExportWithPython = (
  format: 'mbox' | 'maildir' | 'eml',
  path: string,
): PythonEntry[] => {
  const result = spawnSync('python3', [SCRIPT, format, path], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`read_export.py ${format} failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as PythonEntry);
};
