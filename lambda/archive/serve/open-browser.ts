import { type ChildProcess, spawn as spawnChild } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../../errors.js';

export interface OpenedPage {
  /** null when it opened; else why not (the URL is printed anyway). */
  readonly problem: string | null;
  /** Removes the redirect file. */
  cleanup(): Promise<void>;
}

export interface OpenOptions {
  readonly platform?: NodeJS.Platform;
  readonly spawn?: (command: string, args: readonly string[]) => ChildProcess;
}

const opener = (platform: NodeJS.Platform, file: string): [string, string[]] => {
  if (platform === 'darwin') return ['open', [file]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', file]];
  return ['xdg-open', [file]];
};

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const started = (child: ChildProcess): Promise<string | null> =>
  new Promise((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (error) => resolve(errorMessage(error)));
  });

/**
 * `--open`: the page in the default browser. The browser is not handed the URL: a command line
 * is readable by every user of the machine (`ps`), and the token is what keeps them out. It gets
 * a file instead, readable by the owner only, that redirects to the URL (as Jupyter does). A
 * missing opener (no xdg-open on a server) is reported, never fatal.
 */
export const openInBrowser = async (
  url: string,
  options: OpenOptions = {},
): Promise<OpenedPage> => {
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-serve-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const file = join(dir, 'open.html');
  const target = escapeHtml(url);
  await writeFile(
    file,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${target}"><title>popfwd archive</title><a href="${target}">Open the archive</a>\n`,
    { mode: 0o600 },
  );
  const [command, args] = opener(options.platform ?? process.platform, file);
  const spawn =
    options.spawn ??
    ((name: string, list: readonly string[]) =>
      spawnChild(name, [...list], { detached: true, stdio: 'ignore' }));
  let problem: string | null;
  try {
    const child = spawn(command, args);
    problem = await started(child);
    child.unref();
  } catch (error) {
    problem = errorMessage(error);
  }
  return { problem: problem && `${command}: ${problem}`, cleanup };
};
