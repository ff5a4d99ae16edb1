import type { SecretStore } from './secret-store.js';

/** The same store, calling `written` after each write that succeeded (a rotated refresh token). */
export const notingWrites = (secrets: SecretStore, written: () => void): SecretStore => ({
  read: (ref) => secrets.read(ref),
  async write(ref, value) {
    await secrets.write(ref, value);
    written();
  },
});
