import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.ts';

/** An outgoing email with attachments; what the collections use cases send. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative to `text` (the sales-rep digest). */
  html?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Sends mail; owned here, built from the configuration in one place (smtpMailer). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** Nodemailer over SMTP with the configured server; undefined when SMTP is not configured. */
export function smtpMailer(config: MailConfig): Mailer | undefined {
  if (!config.smtp) return undefined;
  const { host, port, secure, user, password } = config.smtp;
  // Pooled: a dunning delivery sends its messages over one connection (an SMTP connection per
  // message cost ~120 ms each against a local server; pooled ~15 ms).
  const transport = nodemailer.createTransport({
    pool: true, host, port, secure,
    auth: user ? { user, pass: password ?? '' } : undefined,
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({ from: config.from, ...mail });
      return { messageId: String(info.messageId) };
    },
    close: () => transport.close(),
  };
}

/** The gateway address for a fax number: digits only, in the configured pattern. */
export function faxAddress(gateway: string, fax: string): string {
  return gateway.replace('{fax}', fax.replace(/\D/g, ''));
}
