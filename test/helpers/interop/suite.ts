/**
 * `describe` for interop suites that need a server from Debian. Without it the suite is skipped
 * with the reason printed; with POPFWD_REQUIRE_INTEROP=1 (CI) a missing server fails the file.
 */
import { describe } from 'vitest';

export const interopRequired = (): boolean => process.env.POPFWD_REQUIRE_INTEROP === '1';

export const describeWithServer = (
  name: string,
  missing: string | null,
  body: () => void,
): void => {
  if (missing && interopRequired()) {
    throw new Error(`POPFWD_REQUIRE_INTEROP=1 but ${missing}; "${name}" cannot run`);
  }
  if (missing) console.warn(`[popfwd] skipping "${name}": ${missing}`);
  describe.skipIf(missing !== null)(name, body);
};
