import { accessSync, constants } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SHM = '/dev/shm';

const tmpfsRoot = (): string | null => {
  try {
    accessSync(SHM, constants.W_OK);
    return SHM;
  } catch {
    return null;
  }
};

/**
 * A fresh temp dir, on tmpfs when the machine has one. A SIGKILL leaves the page cache intact, so
 * for crash tests an fsync proves nothing and only costs time (several per archived message).
 */
export const scratchDir = (prefix: string): Promise<string> =>
  mkdtemp(join(tmpfsRoot() ?? tmpdir(), prefix));
