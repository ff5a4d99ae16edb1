import { readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import { hostileCorpus } from '../../helpers/mail/hostile-corpus.js';
import { readExportWithPython } from '../../helpers/python-export.js';
import { sha256 } from '../engine/engine-fixture.js';
import { STORE_KINDS, type TestArchive, useArchive } from './archive-fixture.js';
import { LETTERS, TAGGING_RULES } from './letters.js';

/**
 * The hostile corpus (lone dots, "From " and ">From " lines, bare CR, NUL, 8-bit, 1 MB lines,
 * the empty message …) archived by the engine, exported by the CLI, read back by Python's
 * mailbox module and compared byte for byte with the archived objects.
 */
const HOSTILE = hostileCorpus().map((message) => ({ uidl: message.name, data: message.data }));

/** Python's reading of the export equals the archive: every message, once, byte-exact. */
const expectExportIsArchive = async (
  box: TestArchive,
  format: 'mbox' | 'maildir' | 'eml',
  out: string,
  records: readonly MessageRecord[],
): Promise<void> => {
  const found = readExportWithPython(format, out);
  expect(found.map((entry) => entry.id).sort()).toEqual(records.map((record) => record.id).sort());
  for (const entry of found) {
    const record = records.find((candidate) => candidate.id === entry.id) as MessageRecord;
    const archived = (await box.raw(record.meta.key)) as Buffer;
    expect({ uidl: record.meta.uidl, size: entry.size, sha256: entry.sha256 }).toEqual({
      uidl: record.meta.uidl,
      size: archived.length,
      sha256: sha256(archived),
    });
  }
};

describe.each(STORE_KINDS)('archive export on the %s store', (kind) => {
  const archive = useArchive();

  it.each(['mbox', 'maildir', 'eml'] as const)(
    'exports the hostile corpus to %s, and Python reads every message back byte-exact',
    async (format) => {
      // Prepare
      const box = await archive(kind, { messages: HOSTILE });
      const { records } = await box.catalog();
      const out = join(box.mailbox.dir, `hostile.${format}`);

      // Act
      const result = await box.cli(['archive', 'export', '--format', format, '--out', out]);

      // Assess
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(
        new RegExp(`^exported ${records.length} \\(.+\\), already there 0\\n$`),
      );
      expect(records.length).toBeGreaterThan(140);
      expect(records.map((record) => record.meta.uidl)).toContain('mbox-from-line');
      await expectExportIsArchive(box, format, out, records);
    },
  );

  it('resumes an mbox cut in the middle of a message: no duplicate, every message byte-exact', async () => {
    // Prepare: a whole export, then the file cut in the middle of a message past the half
    const box = await archive(kind, { messages: HOSTILE });
    const { records } = await box.catalog();
    const out = join(box.mailbox.dir, 'resumed.mbox');
    await box.cli(['archive', 'export', '--format', 'mbox', '--out', out]);
    const whole = await readFile(out);
    const middle = whole.indexOf(Buffer.from('\nFrom '), Math.floor(whole.length * 0.6));
    await truncate(out, middle + 300);

    // Act
    const resumed = await box.cli([
      'archive',
      'export',
      '--format',
      'mbox',
      '--out',
      out,
      '--json',
    ]);

    // Assess
    const report = JSON.parse(resumed.stdout);
    expect(resumed.code).toBe(0);
    expect(report.repaired).toBe(1);
    expect(report.exported + report.alreadyThere).toBe(records.length);
    expect(report.exported).toBeGreaterThan(1);
    expect(Buffer.compare(await readFile(out), whole)).toBe(0);
    await expectExportIsArchive(box, 'mbox', out, records);
  });

  it('exports only what the filters choose, and a wider export later adds the rest', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS, rules: TAGGING_RULES });
    const { records } = await box.catalog();
    const out = join(box.mailbox.dir, 'Maildir');

    // Act
    const first = await box.cli([
      'archive',
      'export',
      '--format',
      'maildir',
      '--out',
      out,
      '--from',
      '*carol*',
    ]);
    const second = await box.cli(['archive', 'export', '--format', 'maildir', '--out', out]);

    // Assess
    expect(first.stdout).toMatch(/^exported 2 \(.+\), already there 0\n$/);
    expect(second.stdout).toMatch(/^exported 3 \(.+\), already there 2\n$/);
    await expectExportIsArchive(box, 'maildir', out, records);
    const found = readExportWithPython('maildir', out);
    for (const entry of found) {
      const record = records.find((candidate) => candidate.id === entry.id) as MessageRecord;
      expect(entry.folder).toBe('cur');
      expect(Math.round((entry.mtime ?? 0) * 1000)).toBe(Date.parse(record.meta.archivedAt));
    }
  });

  it('exports an empty archive as an empty mbox, and reports missing and damaged objects with exit 1', async () => {
    // Prepare
    const empty = await archive(kind, { messages: [] });
    const box = await archive(kind, { messages: LETTERS });
    const { records } = await box.catalog();
    const [, damaged, missing] = records as [MessageRecord, MessageRecord, MessageRecord];
    const bytes = (await box.raw(damaged.meta.key)) as Buffer;
    const flipped = bytes.length - 3;
    bytes.writeUInt8(bytes.readUInt8(flipped) ^ 0x01, flipped);
    await box.overwrite(damaged.meta.key, bytes);
    await box.remove(missing.meta.key);

    // Act
    const none = await empty.cli(['archive', 'export', '--format', 'mbox', '--out', 'empty.mbox']);
    const result = await box.cli(['archive', 'export', '--format', 'eml', '--out', 'eml']);

    // Assess
    expect(none).toEqual({ code: 0, stdout: 'exported 0 (0 B), already there 0\n', stderr: '' });
    expect((await stat(join(empty.mailbox.dir, 'empty.mbox'))).size).toBe(0);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`missing: ${missing.meta.key} (UIDL ${missing.meta.uidl})`);
    expect(result.stdout).toContain(
      `damaged: ${damaged.meta.key} (UIDL ${damaged.meta.uidl}) does not match the catalog`,
    );
    expect(
      readExportWithPython('eml', join(box.mailbox.dir, 'eml'))
        .map((entry) => entry.id)
        .sort(),
    ).toEqual(
      records
        .filter((record) => record !== damaged && record !== missing)
        .map((record) => record.id)
        .sort(),
    );
  });

  it('refuses an unknown format and a missing --out with exit 2', async () => {
    // Prepare
    const box = await archive(kind, { messages: [] });

    // Act
    const format = await box.cli(['archive', 'export', '--format', 'pst', '--out', 'x']);
    const out = await box.cli(['archive', 'export', '--format', 'mbox']);

    // Assess
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format expects mbox, maildir, eml, got "pst"');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--out is required');
  });
});
