import type { SendMailOptions } from 'nodemailer';

/**
 * The sending port: one SMTP connection per run through nodemailer. Composers build the message
 * (a nodemailer message object with an explicit envelope); the executor sends it through this.
 */
export type OutgoingMail = SendMailOptions & {
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
};

export interface SendResult {
  readonly messageId: string;
  readonly response: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}
