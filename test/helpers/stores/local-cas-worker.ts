/**
 * A separate process incrementing a counter document through the local store, for the cross-process
 * compare-and-swap test. Usage: local-cas-worker.ts ROOT KEY INCREMENTS
 */
import { hasCode } from '../../../lambda/errors.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';

const [root, key, increments] = process.argv.slice(2);
if (root === undefined || key === undefined || increments === undefined) {
  throw new Error('usage: local-cas-worker.ts ROOT KEY INCREMENTS');
}
const store = createLocalStore(root, { lockTimeoutMs: 30_000 });
for (let done = 0; done < Number(increments); ) {
  const document = await store.getDocument(key);
  const next = Number(document?.body.toString() ?? '0') + 1;
  try {
    await store.putDocument(key, Buffer.from(String(next)), {
      ifVersion: document?.version ?? null,
    });
    done += 1;
  } catch (error) {
    if (!hasCode(error, 'ECONFLICT')) throw error;
  }
}
