import { buildCommand, positiveInteger } from '../command.js';
import { type Connection, Pop3State } from '../connection.js';
import { simpleRequest } from '../requests.js';

/**
 * DELE marks a message; only a QUIT the server confirms (commands/quit.ts) deletes it. RSET
 * unmarks every message of the session.
 */
export const dele = async (connection: Connection, n: number): Promise<void> => {
  positiveInteger(n, 'message number');
  connection.require(Pop3State.TRANSACTION, 'DELE');
  await simpleRequest(connection, buildCommand('DELE', [n]), 'ECOMMAND', true);
};

export const rset = async (connection: Connection): Promise<void> => {
  connection.require(Pop3State.TRANSACTION, 'RSET');
  await simpleRequest(connection, buildCommand('RSET'), 'ECOMMAND');
};
