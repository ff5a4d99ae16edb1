import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '../../../lambda/stores/local-store.js';
import { describeBlobStoreContract } from './blob-store-contract.js';

const tempRoot = () => mkdtemp(join(tmpdir(), 'popfwd-local-store-'));

describeBlobStoreContract('local store', async () => {
  const root = await tempRoot();
  return {
    store: createLocalStore(join(root, 'data')),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});
