import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HOSTILE_CATEGORIES,
  hostileCorpus,
  hostileMessage,
  hostileNames,
} from '../../helpers/mail/hostile-corpus.js';

const digests = (buffers: readonly Buffer[]): string[] =>
  buffers.map((data) => createHash('sha256').update(data).digest('hex'));

describe('hostileCorpus', () => {
  const corpus = hostileCorpus();

  it('holds at least 100 uniquely named messages in every category', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    expect(new Set(corpus.map((m) => m.name)).size).toBe(corpus.length);
    expect(new Set(corpus.map((m) => m.category))).toEqual(new Set(HOSTILE_CATEGORIES));
    expect(hostileNames()).toEqual(corpus.map((m) => m.name));
  });

  it('is deterministic', () => {
    expect(digests(hostileCorpus().map((m) => m.data))).toEqual(digests(corpus.map((m) => m.data)));
  });

  it('selects by category and by name', () => {
    expect(hostileCorpus(['dots']).every((m) => m.category === 'dots')).toBe(true);
    expect(hostileMessage('empty').data).toHaveLength(0);
    expect(() => hostileMessage('no-such-case')).toThrow(/no hostile message/);
  });

  it('contains the promised extremes', () => {
    const data = (name: string) => hostileMessage(name).data;
    const nesting = (
      data('mime-nested-120')
        .toString('latin1')
        .match(/multipart\/mixed/g) ?? []
    ).length;

    expect(data('nul-in-body').includes(0)).toBe(true);
    expect(data('only-crlf').toString()).toBe('\r\n');
    expect(data('line-1mb').length).toBeGreaterThan(1024 * 1024);
    expect(data('no-final-newline').toString().endsWith('last line')).toBe(true);
    expect(data('final-line-dot').toString().endsWith('\r\n.\r\n')).toBe(true);
    expect(
      data('thousand-header-fields')
        .toString()
        .match(/^X-Field-/gm),
    ).toHaveLength(1_000);
    expect(nesting).toBe(120);
    expect(data('duplicate-message-id-a').toString()).toContain('<dup@hostile.example.net>');
    expect(data('duplicate-message-id-b').toString()).toContain('<dup@hostile.example.net>');
  });
});
