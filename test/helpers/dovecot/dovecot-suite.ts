/**
 * `describe` for suites that need a real Dovecot. Without Dovecot the suite is skipped with a
 * printed reason; with POPFWD_REQUIRE_DOVECOT=1 (CI) a missing Dovecot fails the file instead.
 */
import { describe } from 'vitest';
import { dovecotAvailable } from './dovecot.js';

export const dovecotRequired = (): boolean => process.env.POPFWD_REQUIRE_DOVECOT === '1';

export const describeWithDovecot = (name: string, body: () => void): void => {
  const available = dovecotAvailable();
  if (!available && dovecotRequired()) {
    throw new Error(
      `POPFWD_REQUIRE_DOVECOT=1 but Dovecot is not installed (apt-get install dovecot-pop3d); "${name}" cannot run`,
    );
  }
  if (!available) {
    console.warn(
      `[popfwd] skipping "${name}": Dovecot is not installed (apt-get install dovecot-pop3d to run it)`,
    );
  }
  describe.skipIf(!available)(name, body);
};
