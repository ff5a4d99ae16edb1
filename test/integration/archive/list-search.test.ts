import { describe, expect, it } from 'vitest';
import { STORE_KINDS, sameOnEveryStore, useArchive } from './archive-fixture.js';
import { LETTERS, TAGGING_RULES } from './letters.js';

const uidlsOf = (stdout: string): string[] =>
  stdout
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { uidl: string }).uidl);

describe.each(STORE_KINDS)('archive list and search on the %s store', (kind) => {
  const archive = useArchive();

  it('filters on the catalog alone: from, to, subject, since, until, tag, larger', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS, rules: TAGGING_RULES });
    const list = async (...flags: string[]) => {
      const result = await box.cli(['archive', 'list', '--json', ...flags]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      return uidlsOf(result.stdout);
    };

    // Act / Assess
    expect(await list()).toEqual(LETTERS.map((message) => message.uidl));
    expect(await list('--from', '*@partner.example')).toEqual(['u2-lunch', 'u5-big']);
    expect(await list('--from', 'CAROL')).toEqual(['u2-lunch', 'u5-big']);
    expect(await list('--to', 'dave@*')).toEqual(['u2-lunch']);
    expect(await list('--to', 'subscribers')).toEqual(['u3-html']);
    expect(await list('--subject', 'INVOICE')).toEqual(['u1-invoice']);
    expect(await list('--since', '2026-11-20')).toEqual(['u3-html', 'u4-base64', 'u5-big']);
    expect(await list('--until', '2026-11-10')).toEqual(['u1-invoice', 'u2-lunch']);
    // 12:30 +0100 is 11:30 UTC: a time bound compares instants
    expect(await list('--since', '2026-11-10T11:30:00Z', '--until', '2026-11-10T11:31Z')).toEqual([
      'u2-lunch',
    ]);
    // 20:00 -0500 on the 25th is the 26th in UTC, the day a bare date means
    expect(await list('--since', '2026-11-26')).toEqual(['u4-base64', 'u5-big']);
    expect(await list('--tag', 'invoice')).toEqual(['u1-invoice']);
    expect(await list('--larger', '10KB')).toEqual(['u5-big']);
    expect(await list('--from', '*carol*', '--larger', '10KB', '--since', '2026-11-01')).toEqual([
      'u5-big',
    ]);
    expect(await list('--tag', 'nothing-has-it')).toEqual([]);
  });

  it('prints the documented JSON line and a text table', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS.slice(0, 1), rules: TAGGING_RULES });
    const [record] = (await box.catalog()).records;

    // Act
    const json = await box.cli(['archive', 'list', '--json']);
    const text = await box.cli(['archive', 'list']);

    // Assess
    expect(JSON.parse(json.stdout)).toEqual({
      id: record?.id,
      uidl: 'u1-invoice',
      key: record?.meta.key,
      size: LETTERS[0]?.data.length,
      sha256: record?.meta.sha256,
      from: 'billing@shop.example',
      to: 'alice@example.test',
      subject: 'Invoice 2026-118',
      date: '2026-11-01T09:00:00.000Z',
      archivedAt: record?.meta.archivedAt,
      tags: ['invoice'],
    });
    const size = `${LETTERS[0]?.data.length} B`.padStart(9);
    expect(sameOnEveryStore(text.stdout, box)).toBe(
      `2026-11-01 09:00  billing@shop.example          Invoice 2026-118                          ${size}  ${record?.meta.sha256.slice(0, 12)} [invoice]\n\n1 message(s) in <store>\n`,
    );
  });

  it('rejects a bad filter with exit 2 naming the flag, before reading anything', async () => {
    // Prepare
    const box = await archive(kind, { messages: [] });

    // Act
    const results = await Promise.all(
      [
        ['--since', '2026-02-30'],
        ['--until', 'yesterday'],
        ['--larger', '12 parsecs'],
        ['--since', '2026-12-01', '--until', '2026-11-01'],
        ['--from', ''],
      ].map((flags) => box.cli(['archive', 'list', ...flags])),
    );

    // Assess
    expect(results.map((result) => result.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[0]?.stderr).toContain('--since expects a date like 2026-11-30');
    expect(results[1]?.stderr).toContain('--until expects a date');
    expect(results[2]?.stderr).toContain('--larger expects a size like 1MB');
    expect(results[3]?.stderr).toContain('--since must be before --until');
    expect(results[4]?.stderr).toContain('--from needs a non-empty value');
  });

  it('says so for an empty archive, and prints nothing with --json', async () => {
    // Prepare
    const box = await archive(kind, { messages: [] });

    // Act
    const text = await box.cli(['archive', 'list']);
    const json = await box.cli(['archive', 'list', '--json']);
    const search = await box.cli(['archive', 'search', 'anything', '--json']);

    // Assess
    expect(sameOnEveryStore(text.stdout, box)).toBe(
      'no archived messages for alice@example.test in <store>\n',
    );
    expect(json).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(search).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('searches headers and decoded bodies: base64 text, HTML converted, case-insensitive', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS, rules: TAGGING_RULES });
    const search = async (...args: string[]) => {
      const result = await box.cli(['archive', 'search', '--json', ...args]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      return result.stdout
        .trimEnd()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const match = JSON.parse(line) as { uidl: string; in: string };
          return `${match.uidl}:${match.in}`;
        });
    };

    // Act / Assess
    expect(await search('MARZIPAN')).toEqual(['u4-base64:body']);
    expect(await search('zebra crossing & more')).toEqual(['u3-html:body']);
    expect(await search('pelmeni')).toEqual(['u2-lunch:body']);
    expect(await search('carol')).toEqual(['u2-lunch:headers', 'u5-big:headers']);
    expect(await search('invoice')).toEqual(['u1-invoice:headers']);
    expect(await search('invoice', '--since', '2026-11-02')).toEqual([]);
    expect(await search('<b>')).toEqual([]);
    expect(await search('report.pdf not in any text')).toEqual([]);
  });

  it('prints matches on stdout, the count on stderr, and a progress line only on a terminal', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS, rules: TAGGING_RULES });

    // Act
    const plain = await box.cli(['archive', 'search', 'the']);
    const terminal = await box.cli(['archive', 'search', 'the'], { tty: true });

    // Assess
    expect(plain.stderr).toBe('4 of 5 message(s) match\n');
    expect(terminal.stdout).toBe(plain.stdout);
    expect(terminal.stderr).toContain('searching 5/5');
    expect(terminal.stderr.endsWith('\r\x1b[2K4 of 5 message(s) match\n')).toBe(true);
    expect(plain.stdout.split('\n').filter(Boolean)).toHaveLength(4);
  });
});
