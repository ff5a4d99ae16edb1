import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openInBrowser } from '../../../../lambda/archive/serve/open-browser.js';

const URL = 'http://127.0.0.1:8025/SeCrEtToKeN_0123456789abcdefghijklmnopqrstu/';

/** A stand-in for spawn that records the command and reports `outcome` as a child would. */
const fakeSpawn = (outcome: 'spawn' | Error) => {
  const calls: Array<{ command: string; args: readonly string[] }> = [];
  const spawn = (command: string, args: readonly string[]) => {
    calls.push({ command, args });
    const child = Object.assign(new EventEmitter(), { unref: () => {} });
    queueMicrotask(() =>
      outcome === 'spawn' ? child.emit('spawn') : child.emit('error', outcome),
    );
    return child as unknown as ChildProcess;
  };
  return { spawn, calls };
};

describe('openInBrowser', () => {
  it('hands the browser a private file that redirects to the URL, never the URL itself', async () => {
    // Prepare
    const { spawn, calls } = fakeSpawn('spawn');
    // Act
    const opened = await openInBrowser(URL, { platform: 'linux', spawn });
    const file = calls[0]?.args[0] ?? '';
    const [html, mode] = await Promise.all([
      readFile(file, 'utf8'),
      stat(file).then((s) => s.mode & 0o777),
    ]);
    await opened.cleanup();
    // Assess
    expect(opened.problem).toBeNull();
    expect(calls).toEqual([{ command: 'xdg-open', args: [file] }]);
    expect(JSON.stringify(calls)).not.toContain('SeCrEtToKeN');
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${URL}">`);
    expect(mode).toBe(0o600);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['darwin', 'open'],
    ['win32', 'cmd'],
  ] as const)('uses the opener of %s (%s)', async (platform, command) => {
    // Prepare
    const { spawn, calls } = fakeSpawn('spawn');
    // Act
    const opened = await openInBrowser(URL, { platform, spawn });
    await opened.cleanup();
    // Assess
    expect(calls[0]?.command).toBe(command);
  });

  it('reports a missing opener instead of failing', async () => {
    // Prepare
    const { spawn } = fakeSpawn(
      Object.assign(new Error('spawn xdg-open ENOENT'), { code: 'ENOENT' }),
    );
    // Act
    const opened = await openInBrowser(URL, { platform: 'linux', spawn });
    await opened.cleanup();
    // Assess
    expect(opened.problem).toBe('xdg-open: spawn xdg-open ENOENT');
  });
});
