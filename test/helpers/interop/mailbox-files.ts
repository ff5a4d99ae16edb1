/**
 * Mailboxes on disk, written the way a Unix delivery agent writes them: LF line ends (a bare CR
 * stays), Maildir files in new/, or one mbox file in the layout Postfix local(8) uses.
 */
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** CRLF → LF; a CR without LF after it stays. */
export const toStored = (data: Buffer): Buffer => {
  const parts: Buffer[] = [];
  let start = 0;
  for (let at = data.indexOf('\r\n'); at !== -1; at = data.indexOf('\r\n', at + 2)) {
    parts.push(data.subarray(start, at), LF);
    start = at + 2;
  }
  parts.push(data.subarray(start));
  return Buffer.concat(parts);
};

/**
 * One mbox (mboxo, as Postfix local(8) writes it): a `From ` separator line, body lines that begin
 * with `From ` quoted as `>From `, a newline added to a message without one, a blank line after.
 */
export const mbox = (messages: readonly Buffer[]): Buffer =>
  Buffer.concat(
    messages.flatMap((data) => {
      const stored = toStored(data);
      const quoted = Buffer.from(
        stored.toString('latin1').replace(/(^|\n)From /g, '$1>From '),
        'latin1',
      );
      return [SEPARATOR, quoted, ...(quoted.at(-1) === 0x0a ? [] : [LF]), LF];
    }),
  );

/** Writes each message as its own file in `dir`/new (creating cur/, new/, tmp/). */
export const writeMaildir = async (
  dir: string,
  messages: readonly Buffer[],
  owner?: Owner,
): Promise<void> => {
  for (const sub of ['', 'cur', 'new', 'tmp']) {
    await mkdir(join(dir, sub), { recursive: true });
    if (owner) await chown(join(dir, sub), owner.uid, owner.gid);
  }
  const stamp = 1_796_000_000;
  for (const [index, data] of messages.entries()) {
    // Zero-padded sequence first: servers order new/ by name.
    const path = join(dir, 'new', `${stamp + index}.M${String(index).padStart(6, '0')}.interop`);
    await writeFile(path, toStored(data), { mode: 0o600 });
    if (owner) await chown(path, owner.uid, owner.gid);
  }
};

export const writeMbox = async (
  path: string,
  messages: readonly Buffer[],
  owner?: Owner,
): Promise<void> => {
  await writeFile(path, mbox(messages), { mode: 0o600 });
  if (owner) await chown(path, owner.uid, owner.gid);
};

const LF = Buffer.from('\n');
const SEPARATOR = Buffer.from('From bob@example.org Thu Nov 26 10:00:00 2026\n');
