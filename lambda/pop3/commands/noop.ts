import { buildCommand } from '../command.js';
import { type Connection, Pop3State } from '../connection.js';
import { simpleRequest } from '../requests.js';

/** NOOP: asks for nothing; the reply proves the session is alive. */
export const noop = async (connection: Connection): Promise<void> => {
  connection.require(Pop3State.TRANSACTION, 'NOOP');
  await simpleRequest(connection, buildCommand('NOOP'), 'ECOMMAND');
};
