import type { Credentials } from '../../auth/credentials.js';
import { hasCode, PopfwdError } from '../../errors.js';
import { type Connection, Pop3State } from '../connection.js';
import { saslRequest } from '../requests.js';
import { authenticate, type SaslChannel } from './auth.js';
import { refreshCapabilities } from './capa.js';
import { type Stat, stat } from './stat.js';
import { enableUtf8 } from './utf8.js';

const saslChannel = (connection: Connection): SaslChannel => ({
  get capabilities() {
    return connection.capabilities;
  },
  exchange: (command) => saslRequest(connection, command),
  log: connection.log,
});

/**
 * Logs in (AUTH XOAUTH2 for OAuth2; AUTH PLAIN or USER/PASS for a password), re-reads CAPA,
 * enters UTF-8 mode when offered, and confirms the login with STAT — Microsoft may accept a
 * mismatched token and fail later.
 */
export const login = async (connection: Connection, credentials: Credentials): Promise<Stat> => {
  connection.require(Pop3State.AUTHORIZATION, 'login');
  const offeredBefore = connection.capabilities.utf8;
  await authenticate(saslChannel(connection), credentials);
  connection.state = Pop3State.TRANSACTION;
  connection.idleMs = connection.timeouts.idleMs;
  const pipelining = () =>
    connection.capabilities.pipelining && connection.options.pipelining !== 'off';
  // CAPA and STAT go out together when the server offered PIPELINING before the login; the
  // CAPA after the login decides for the rest of the session.
  connection.pipelining = pipelining();
  const capabilities = refreshCapabilities(connection, true);
  const counted = stat(connection);
  counted.catch(() => {});
  await capabilities;
  connection.pipelining = pipelining();
  if (connection.capabilities.utf8 || (offeredBefore && !connection.capabilities.known)) {
    await enableUtf8(connection);
  }
  try {
    return await counted;
  } catch (error) {
    if (!hasCode(error, 'ECOMMAND')) throw error;
    throw new PopfwdError(
      'ELOGIN',
      `the server accepted the login but refused STAT: ${error.message}`,
      { cause: error },
    );
  }
};
