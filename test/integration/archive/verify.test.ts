import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import { layout } from '../engine/engine-fixture.js';
import { STORE_KINDS, sameOnEveryStore, useArchive } from './archive-fixture.js';
import { LETTERS } from './letters.js';

describe.each(STORE_KINDS)('archive verify on the %s store', (kind) => {
  const archive = useArchive();

  it('reads every object again and finds nothing wrong in an intact archive', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS });
    const bytes = LETTERS.reduce((sum, message) => sum + message.data.length, 0);

    // Act
    const text = await box.cli(['archive', 'verify']);
    const json = await box.cli(['archive', 'verify', '--json']);

    // Assess
    expect(text.code).toBe(0);
    expect(sameOnEveryStore(text.stdout, box)).toMatch(
      /^verified 5 message\(s\), .+ read in <store>: 5 ok, 0 missing, 0 extra, 0 damaged: all good\n$/,
    );
    expect(JSON.parse(json.stdout)).toEqual({
      messages: 5,
      bytes,
      ok: 5,
      missing: [],
      extra: [],
      damaged: [],
      interrupted: false,
    });
  });

  it('reports a flipped byte, a deleted object and a stray one, and exits 1', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS });
    const { records } = await box.catalog();
    const [damaged, missing] = records as [MessageRecord, MessageRecord];
    const bytes = (await box.raw(damaged.meta.key)) as Buffer;
    bytes.writeUInt8(bytes.readUInt8(10) ^ 0x20, 10);
    await box.overwrite(damaged.meta.key, bytes);
    await box.remove(missing.meta.key);
    const extraKey = layout.rawKey('f'.repeat(32));
    await box.overwrite(extraKey, Buffer.from('Subject: not in the catalog\r\n\r\nhi\r\n'));

    // Act
    const text = await box.cli(['archive', 'verify']);
    const json = await box.cli(['archive', 'verify', '--json']);

    // Assess
    expect(text.code).toBe(1);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      messages: 5,
      ok: 3,
      missing: [{ id: missing.id, uidl: missing.meta.uidl, key: missing.meta.key }],
      extra: [{ key: extraKey, size: 35 }],
      damaged: [
        {
          id: damaged.id,
          uidl: damaged.meta.uidl,
          expected: { size: damaged.meta.size, sha256: damaged.meta.sha256 },
          actual: { size: damaged.meta.size },
        },
      ],
    });
    expect(report.damaged[0].actual.sha256).not.toBe(damaged.meta.sha256);
    expect(text.stdout).toContain(
      `missing  ${missing.meta.key} (UIDL ${missing.meta.uidl}): in the catalog, not in the store\n`,
    );
    expect(text.stdout).toContain(
      `damaged  ${damaged.meta.key} (UIDL ${damaged.meta.uidl}): sha256 `,
    );
    expect(text.stdout).toContain(`extra    ${extraKey} (35 B): no catalog entry names it\n`);
    expect(text.stdout).toMatch(/: 3 ok, 1 missing, 1 extra, 1 damaged\n$/);
  });

  it('tells a truncated object by its size', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS.slice(0, 1) });
    const [record] = (await box.catalog()).records as [MessageRecord];
    await box.overwrite(
      record.meta.key,
      ((await box.raw(record.meta.key)) as Buffer).subarray(0, 10),
    );

    // Act
    const result = await box.cli(['archive', 'verify']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`: 10 bytes, the catalog says ${record.meta.size}\n`);
  });

  it('verifies an empty archive as all good', async () => {
    // Prepare
    const box = await archive(kind, { messages: [] });

    // Act
    const result = await box.cli(['archive', 'verify']);

    // Assess
    expect(result.code).toBe(0);
    expect(sameOnEveryStore(result.stdout, box)).toBe(
      'verified 0 message(s), 0 B read in <store>: 0 ok, 0 missing, 0 extra, 0 damaged: all good\n',
    );
  });

  it('shows progress on a terminal only, and prints only problems with -q', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS });

    // Act
    const terminal = await box.cli(['archive', 'verify'], { tty: true });
    const quiet = await box.cli(['archive', 'verify', '-q'], { tty: true });

    // Assess
    expect(terminal.stderr).toContain('verifying 5/5');
    expect(terminal.stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
