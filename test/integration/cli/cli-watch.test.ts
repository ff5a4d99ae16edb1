import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../helpers/cli/cli.js';
import { mails, PASSWORD, useEngine } from '../engine/engine-fixture.js';

/**
 * The pause between two runs of `watch` (at least 10 s) returns at once; the test decides when
 * the user presses Ctrl-C. Shorter waits (lock retries) stay real.
 */
const pauses = vi.hoisted(() => ({
  waits: [] as number[],
  onPause: (_count: number): void => {},
}));

vi.mock('node:timers/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:timers/promises')>();
  return {
    ...actual,
    setTimeout: <T>(ms: number, value?: T, options?: { signal?: AbortSignal }): Promise<T> => {
      if (ms < 10_000) return actual.setTimeout(ms, value, options);
      pauses.waits.push(ms);
      pauses.onPause(pauses.waits.length);
      return options?.signal?.aborted
        ? Promise.reject(options.signal.reason)
        : Promise.resolve(value as T);
    },
  };
});

describe('popfwd watch', () => {
  const engine = useEngine();

  it('runs, waits, runs again, and stops cleanly with exit code 130 when interrupted', async () => {
    // Prepare: new mail arrives during the first pause; Ctrl-C comes during the second
    const mailbox = await engine({ mailbox: mails(2) });
    const file = join(mailbox.dir, 'popfwd.yaml');
    await writeFile(file, stringify(mailbox.document()));
    const controller = new AbortController();
    pauses.onPause = (count) => {
      if (count === 1) mailbox.server.mailbox.add(...mails(1, 'later'));
      else controller.abort();
    };

    // Act
    const result = await runCli(
      ['watch', '--config', file, '--every', '15m', '--json'],
      mailbox.dir,
      {
        env: { POPFWD_PASSWORD: PASSWORD },
        signal: controller.signal,
      },
    );

    // Assess
    expect(result.code).toBe(130);
    const summaries = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(summaries).toMatchObject([
      { fetched: 2, archived: 2 },
      { fetched: 1, archived: 1 },
    ]);
    expect(pauses.waits).toEqual([15 * 60_000, 15 * 60_000]);
    expect(mailbox.server.connections).toBe(2);
    expect(result.stderr).toMatch(/^\S+ watching alice@example\.test every 15m/);
    expect(result.stderr.trimEnd().endsWith('stopped')).toBe(true);
  });
});
