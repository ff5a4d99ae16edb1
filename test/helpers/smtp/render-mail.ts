import nodemailer from 'nodemailer';
import type { OutgoingMail } from '../../../lambda/smtp/mailer.js';
import { type Entity, parseEntity } from '../mail/mime-bytes.js';

/** The bytes nodemailer would put in DATA for a composed mail, without a server. */
export const renderMail = async (
  mail: OutgoingMail,
): Promise<{ raw: Buffer; entity: Entity; envelope: unknown }> => {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  const info = await transport.sendMail(mail);
  const raw = info.message as Buffer;
  return { raw, entity: parseEntity(raw), envelope: info.envelope };
};
