import { PopfwdError } from '../../errors.js';
import { buildCommand } from '../command.js';
import { type Connection, Pop3State } from '../connection.js';
import { simpleRequest } from '../requests.js';
import { printable } from '../server-text.js';

export interface Stat {
  readonly count: number;
  readonly size: number;
}

const parseNumbers = (text: string, verb: string): [number, number] => {
  const match = /^(\d+)\s+(\d+)/.exec(text);
  if (!match)
    throw new PopfwdError('EPROTOCOL', `unparseable ${verb} reply "${printable(text, 60)}"`, {
      context: { command: verb },
    });
  return [Number(match[1]), Number(match[2])];
};

/** STAT: how many messages the maildrop holds and their size in octets. */
export const stat = async (connection: Connection): Promise<Stat> => {
  connection.require(Pop3State.TRANSACTION, 'STAT');
  const [count, size] = parseNumbers(
    await simpleRequest(connection, buildCommand('STAT'), 'ECOMMAND', true),
    'STAT',
  );
  return { count, size };
};
