import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ExportFormat,
  type ExportOptions,
  exportArchive,
} from '../../../lambda/archive/export/export-archive.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { readExportWithPython } from '../../helpers/python-export.js';
import { archiveOf } from '../../helpers/stores/archive-records.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const head = (name: string) =>
  `From: Mallory <mallory@example.net>\r\nSubject: ${name}\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\n`;

/** What an mbox finds hardest: each is a message of its own in the archive. */
const EDGE_CASES: ReadonlyArray<readonly [string, Buffer]> = [
  ['no-final-newline', bytes(`${head('a')}last line`)],
  ['ends-with-cr', bytes(`${head('b')}last line\r`)],
  ['empty', Buffer.alloc(0)],
  ['from-first', bytes(`From mallory Thu Nov 26 10:00:00 2026\r\n${head('c')}From x\r\n`)],
  ['quoted-froms', bytes(`${head('d')}>From a\r\n>>From b\r\nFrom c\n\nFrom d`)],
  ['ends-with-from', bytes(`${head('e')}text\r\nFrom`)],
  ['lone-dots-nul-8bit', bytes(`${head('f')}.\r\n..\r\n\x00\xff\xe9\r\n.`)],
  ['only-newlines', bytes('\n\n\n')],
  ['blank-lines-at-end', bytes(`${head('g')}text\r\n\r\n\r\n`)],
];

const scratch: string[] = [];
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-export-'));
  scratch.push(dir);
  return dir;
};

const run = (
  store: BlobStore,
  records: readonly MessageRecord[],
  format: ExportFormat,
  out: string,
  options: Partial<ExportOptions> = {},
) =>
  exportArchive(store, records, {
    format,
    out,
    concurrency: 3,
    signal: new AbortController().signal,
    ...options,
  });

/** Python's view of the export, as id → {size, sha256}, against the catalog's. */
const expectExactly = (format: ExportFormat, out: string, records: readonly MessageRecord[]) => {
  const found = readExportWithPython(format, out);
  expect(found.map((entry) => entry.id).sort()).toEqual(records.map((r) => r.id).sort());
  for (const entry of found) {
    const record = records.find((candidate) => candidate.id === entry.id);
    expect({ id: entry.id, size: entry.size, sha256: entry.sha256 }).toEqual({
      id: record?.id,
      size: record?.meta.size,
      sha256: record?.meta.sha256,
    });
  }
  return found;
};

describe('archive export round trips through Python mailbox', () => {
  it.each(['mbox', 'maildir', 'eml'] as const)(
    '%s: every edge case comes back byte-exact',
    async (format) => {
      // Prepare
      const { store, records } = await archiveOf(EDGE_CASES);
      const out = join(await tempDir(), 'new', 'folders', `export.${format}`);

      // Act
      const report = await run(store, records, format, out);

      // Assess
      expect(report).toMatchObject({ exported: EDGE_CASES.length, alreadyThere: 0, repaired: 0 });
      expectExactly(format, out, records);
    },
  );

  it('mbox: ends a message without a final newline with one LF that the length leaves out', async () => {
    // Prepare
    const { store, records } = await archiveOf([EDGE_CASES[0] as [string, Buffer]]);
    const out = join(await tempDir(), 'one.mbox');

    // Act
    await run(store, records, 'mbox', out);

    // Assess: From_ line, the message, the added LF, the separator
    const file = await readFile(out);
    const message = EDGE_CASES[0]?.[1] as Buffer;
    const line = file.subarray(0, file.indexOf(0x0a) + 1).toString('latin1');
    expect(line).toMatch(new RegExp(`:${String(message.length).padStart(12, '0')}\\n$`));
    expect(file.subarray(line.length).toString('latin1')).toBe(`${message.toString('latin1')}\n\n`);
  });

  it('maildir: files in cur/, flagged seen, with the archiving time as mtime', async () => {
    // Prepare
    const { store, records } = await archiveOf(EDGE_CASES.slice(0, 3));
    const out = join(await tempDir(), 'Maildir');

    // Act
    await run(store, records, 'maildir', out);

    // Assess
    const found = expectExactly('maildir', out, records);
    for (const entry of found) {
      const record = records.find((candidate) => candidate.id === entry.id) as MessageRecord;
      expect(entry.folder).toBe('cur');
      expect((entry.mtime ?? 0) * 1000).toBe(Date.parse(record.meta.archivedAt));
    }
  });
});

describe('archive export, resumed', () => {
  it.each(['mbox', 'maildir', 'eml'] as const)(
    '%s: a second export adds only what is missing',
    async (format) => {
      // Prepare: the first half exported, then the whole archive
      const { store, records } = await archiveOf(EDGE_CASES);
      const out = join(await tempDir(), `export.${format}`);
      await run(store, records.slice(0, 4), format, out);

      // Act
      const second = await run(store, records, format, out);
      const third = await run(store, records, format, out);

      // Assess
      expect(second).toMatchObject({ exported: EDGE_CASES.length - 4, alreadyThere: 4 });
      expect(third).toMatchObject({ exported: 0, alreadyThere: EDGE_CASES.length, repaired: 0 });
      expectExactly(format, out, records);
    },
  );

  it('mbox: an export cut off anywhere in its last message is repaired, not duplicated', async () => {
    // Prepare: the whole export, to know where each message starts
    const { store, records } = await archiveOf(EDGE_CASES);
    const dir = await tempDir();
    const whole = join(dir, 'whole.mbox');
    await run(store, records, 'mbox', whole);
    const full = await readFile(whole);
    const lastStart = full.lastIndexOf(bytes('\nFrom ')) + 1;

    // Act / Assess: cut at every byte of the last message (From_ line included)
    for (let cut = lastStart + 1; cut < full.length; cut += 1) {
      const out = join(dir, `cut-${cut}.mbox`);
      await writeFile(out, full.subarray(0, cut));
      const report = await run(store, records, 'mbox', out);
      expect(report, `cut at ${cut}`).toMatchObject({ exported: 1, repaired: 1 });
      expect(Buffer.compare(await readFile(out), full), `cut at ${cut}`).toBe(0);
      await rm(out);
    }
  });

  it('mbox: a From_ line whose length was never set (killed mid-message) is repaired', async () => {
    // Prepare: the last message as an export killed in the middle of it leaves it
    const { store, records } = await archiveOf(EDGE_CASES.slice(0, 3));
    const out = join(await tempDir(), 'killed.mbox');
    await run(store, records, 'mbox', out);
    const full = await readFile(out);
    const lastStart = full.lastIndexOf(bytes('\nFrom ')) + 1;
    const lineEnd = full.indexOf(0x0a, lastStart);
    const killed = Buffer.from(full);
    killed.write('-'.repeat(12), lineEnd - 12, 'latin1');
    await writeFile(out, killed);

    // Act
    const report = await run(store, records, 'mbox', out);

    // Assess
    expect(report).toMatchObject({ exported: 1, alreadyThere: 2, repaired: 1 });
    expect(Buffer.compare(await readFile(out), full)).toBe(0);
  });

  it('mbox: refuses a file another program wrote or changed, and leaves it alone', async () => {
    // Prepare
    const { store, records } = await archiveOf(EDGE_CASES.slice(0, 2));
    const dir = await tempDir();
    const foreign = join(dir, 'foreign.mbox');
    await writeFile(foreign, 'From someone Thu Nov 26 10:00:00 2026\nSubject: mine\n\nhello\n\n');
    const changed = join(dir, 'changed.mbox');
    await run(store, records, 'mbox', changed);
    const original = await readFile(changed);
    const edited = Buffer.concat([
      original.subarray(0, 200),
      bytes('Status: RO\n'),
      original.subarray(200),
    ]);
    await writeFile(changed, edited);

    // Act / Assess
    await expect(run(store, records, 'mbox', foreign)).rejects.toMatchObject({ code: 'EUSAGE' });
    await expect(run(store, records, 'mbox', changed)).rejects.toThrow(/changed since/);
    expect((await readFile(foreign)).toString()).toContain('Subject: mine');
    expect(Buffer.compare(await readFile(changed), edited)).toBe(0);
  });

  it.each(['maildir', 'eml'] as const)(
    '%s: a file cut short (a power cut) is written again; temporary files are swept',
    async (format) => {
      // Prepare
      const { store, records } = await archiveOf(EDGE_CASES.slice(0, 4));
      const out = join(await tempDir(), format);
      await run(store, records, format, out);
      const victim = records[0] as MessageRecord;
      const name =
        format === 'eml' ? join(out, `${victim.id}.eml`) : await maildirFile(out, victim);
      await truncate(name, 3);
      const temporary =
        format === 'eml'
          ? join(out, `.${victim.id}.eml.popfwd-tmp`)
          : join(out, 'tmp', `1.${victim.id}.popfwd,S=9`);
      await writeFile(temporary, 'partial');

      // Act
      const report = await run(store, records, format, out);

      // Assess
      expect(report).toMatchObject({ exported: 1, alreadyThere: 3, repaired: 1 });
      await expect(stat(temporary)).rejects.toMatchObject({ code: 'ENOENT' });
      expectExactly(format, out, records);
    },
  );
});

const maildirFile = async (out: string, record: MessageRecord): Promise<string> => {
  const { readdir } = await import('node:fs/promises');
  const name = (await readdir(join(out, 'cur'))).find((entry) => entry.includes(record.id));
  return join(out, 'cur', name as string);
};

describe('archive export of a damaged archive', () => {
  it.each(['mbox', 'maildir', 'eml'] as const)(
    '%s: a damaged object is reported and leaves nothing; a missing one is reported',
    async (format) => {
      // Prepare: message 2's object has other bytes than the catalog says, message 3's is gone
      const { store, records } = await archiveOf(EDGE_CASES.slice(0, 4));
      const damaged = records[1] as MessageRecord;
      const missing = records[2] as MessageRecord;
      const broken: BlobStore = {
        ...store,
        read: async (key) =>
          key === damaged.meta.key
            ? Readable.from([bytes('something else entirely')])
            : key === missing.meta.key
              ? null
              : store.read(key),
      };
      const out = join(await tempDir(), `export.${format}`);

      // Act
      const report = await run(broken, records, format, out);
      const again = await run(store, records, format, out);

      // Assess
      expect(report).toMatchObject({
        exported: 2,
        missing: [{ id: missing.id, uidl: missing.meta.uidl, key: missing.meta.key }],
        damaged: [{ id: damaged.id, found: { size: 23 } }],
      });
      expect(again).toMatchObject({ exported: 2, alreadyThere: 2 });
      expectExactly(format, out, records);
    },
  );

  it('mbox: an interrupted export leaves whole messages only, and the next one goes on', async () => {
    // Prepare: a signal that fires while the third message is read
    const { store, records } = await archiveOf(EDGE_CASES);
    const out = join(await tempDir(), 'interrupted.mbox');
    const controller = new AbortController();
    let reads = 0;
    const slow: BlobStore = {
      ...store,
      read: async (key) => {
        reads += 1;
        if (reads === 3) controller.abort();
        return store.read(key);
      },
    };

    // Act
    const first = await run(slow, records, 'mbox', out, {
      signal: controller.signal,
      concurrency: 1,
    });
    const second = await run(store, records, 'mbox', out);

    // Assess
    expect(first.interrupted).toBe(true);
    expect(first.exported).toBeLessThan(records.length);
    expect(second.exported + second.alreadyThere).toBe(records.length);
    expect(second.repaired).toBe(0);
    expectExactly('mbox', out, records);
  });

  it('mbox: a read that fails mid-message stops the export naming it, and leaves whole messages only', async () => {
    // Prepare: the third object's stream breaks after a few bytes (a dropped S3 connection)
    const { store, records } = await archiveOf(EDGE_CASES);
    const broken = records[2] as MessageRecord;
    const failing: BlobStore = {
      ...store,
      read: async (key) =>
        key === broken.meta.key
          ? new Readable({
              read() {
                this.push(bytes('From: partial'));
                this.destroy(new Error('socket hang up'));
              },
            })
          : store.read(key),
    };
    const out = join(await tempDir(), 'broken.mbox');

    // Act
    const failure = await run(failing, records, 'mbox', out).catch((error: unknown) => error);
    const resumed = await run(store, records, 'mbox', out);

    // Assess
    expect(failure).toMatchObject({
      code: 'ESTORE',
      message: `exporting ${broken.meta.key} (UIDL ${broken.meta.uidl}) failed: socket hang up`,
    });
    expect(resumed).toMatchObject({ exported: records.length - 2, alreadyThere: 2, repaired: 0 });
    expectExactly('mbox', out, records);
  });
});
