/**
 * Finds secrets in whatever a run leaves behind. A secret is looked for as itself, URL- and
 * form-encoded, escaped as in a JSON string (a state file), and as the part of any base64 text
 * that encodes it, at each of the three byte alignments, so a SASL payload (PLAIN, XOAUTH2) that
 * embeds it is found too, whatever surrounds it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The base64 characters that encode only `secret`'s bytes when `offset` bytes precede it. */
const base64Core = (secret: Buffer, offset: number): string => {
  const encoded = Buffer.concat([Buffer.alloc(offset), secret])
    .toString('base64')
    .replace(/=+$/, '');
  const first = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + secret.length) * 8) / 6);
  return encoded.slice(first, end);
};

/** Every form in which `secret` would betray itself in text. */
export const secretForms = (secret: string): string[] => {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
  for (const offset of [0, 1, 2]) {
    const core = base64Core(bytes, offset);
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms.filter((form) => form.length >= 8))];
};

export interface Leak {
  /** Which secret, by label (never its value). */
  readonly secret: string;
  /** Where it was found, by label. */
  readonly where: string;
}

/** Secrets (label → value) found in texts (label → content). */
export const findLeaks = (
  secrets: Readonly<Record<string, string>>,
  texts: Readonly<Record<string, string>>,
): Leak[] => {
  const leaks: Leak[] = [];
  for (const [secret, value] of Object.entries(secrets)) {
    const forms = secretForms(value);
    for (const [where, text] of Object.entries(texts)) {
      if (forms.some((form) => text.includes(form))) leaks.push({ secret, where });
    }
  }
  return leaks;
};

/**
 * JSON of anything a run hands back or logs, errors included with message, stack, cause chain and
 * own fields (JSON.stringify alone prints an Error as {}), Buffers as their bytes.
 */
export const dump = (value: unknown): string => {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(
    value,
    function (this: Record<string, unknown>, key, converted: unknown) {
      const original = key === '' ? value : this[key];
      if (Buffer.isBuffer(original)) return original.toString('latin1');
      if (typeof original === 'object' && original !== null) {
        if (seen.has(original)) return '[circular]';
        seen.add(original);
      }
      if (original instanceof Error) {
        return {
          ...Object.fromEntries(Object.entries(original)),
          name: original.name,
          message: original.message,
          stack: original.stack,
          cause: original.cause,
        };
      }
      return converted;
    },
  );
  return text ?? String(value);
};

/** Every file below `dir`, as latin1 text keyed by its path. */
export const readTree = async (dir: string): Promise<Record<string, string>> => {
  const names = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = names.filter((entry) => entry.isFile());
  const texts: Record<string, string> = {};
  for (const file of files) {
    const path = join(file.parentPath, file.name);
    texts[path] = (await readFile(path)).toString('latin1');
  }
  return texts;
};
