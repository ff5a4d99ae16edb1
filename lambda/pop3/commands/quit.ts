import { PopfwdError } from '../../errors.js';
import { crashPoint } from '../../test-hooks/crash-points.js';
import { buildCommand } from '../command.js';
import { type Connection, Pop3State } from '../connection.js';
import { simpleRequest } from '../requests.js';
import { printable } from '../server-text.js';

export interface QuitResult {
  /** True when the server confirmed QUIT in TRANSACTION: every DELE took effect. */
  readonly committed: boolean;
  readonly message: string;
}

/**
 * Ends the session. In TRANSACTION, +OK means the server entered UPDATE and every DELE took
 * effect; -ERR or no reply means deletions may not have happened — treat them as not done.
 */
export const quit = async (connection: Connection): Promise<QuitResult> => {
  if (connection.failure || connection.state === Pop3State.CLOSED) {
    return {
      committed: false,
      message: `not sent: ${connection.failure?.message ?? 'the session is closed'}`,
    };
  }
  const inTransaction = connection.state === Pop3State.TRANSACTION;
  if (inTransaction) connection.state = Pop3State.UPDATE;
  try {
    const reply = simpleRequest(connection, buildCommand('QUIT'), 'ECOMMAND');
    // Once the write has left the process (after the uncork tick), for the kill-anywhere tests.
    setImmediate(() => crashPoint('during-quit'));
    const text = await reply;
    return { committed: inTransaction, message: printable(text) };
  } catch (error) {
    return { committed: false, message: (error as Error).message };
  } finally {
    connection.close(
      new PopfwdError('ECONNECTION', 'the session was closed with QUIT', { retryable: false }),
    );
  }
};
