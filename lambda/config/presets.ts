/**
 * Presets fill in a provider's servers and login method; explicit fields in the config win.
 * Applied to the raw document before validation, so errors still name the user's fields.
 */
import { isRecord } from '../is-record.js';

interface Preset {
  readonly pop3: Readonly<Record<string, unknown>>;
  readonly smtp: Readonly<Record<string, unknown>>;
  readonly authMethod: 'password' | 'oauth2';
  readonly warning?: string;
}

export const PRESETS: Readonly<Record<string, Preset>> = {
  outlook: {
    pop3: { host: 'outlook.office365.com', port: 995, security: 'tls' },
    smtp: { host: 'smtp-mail.outlook.com', port: 587, security: 'starttls' },
    authMethod: 'oauth2',
  },
  'hotmail-2010': {
    pop3: { host: 'pop.live.com', port: 995, security: 'tls' },
    smtp: { host: 'smtp.live.com', port: 587, security: 'starttls' },
    authMethod: 'password',
    warning:
      'preset hotmail-2010 uses the 2010 servers and password login; Microsoft retired password ' +
      'logins for Outlook.com on 2024-09-16 — use preset: outlook with auth.method: oauth2',
  },
};

/** Returns the document with the preset merged under the explicit mailbox fields, plus warnings. */
export const applyPreset = (raw: unknown): { document: unknown; warnings: string[] } => {
  if (!isRecord(raw) || !isRecord(raw.mailbox)) return { document: raw, warnings: [] };
  const mailbox = raw.mailbox;
  const preset = typeof mailbox.preset === 'string' ? PRESETS[mailbox.preset] : undefined;
  if (!preset) return { document: raw, warnings: [] };

  const merge = (base: Readonly<Record<string, unknown>>, explicit: unknown) =>
    isRecord(explicit) ? { ...base, ...explicit } : (explicit ?? { ...base });
  const auth = isRecord(mailbox.auth)
    ? { method: preset.authMethod, ...mailbox.auth }
    : mailbox.auth;

  return {
    document: {
      ...raw,
      mailbox: {
        ...mailbox,
        pop3: merge(preset.pop3, mailbox.pop3),
        smtp: merge(preset.smtp, mailbox.smtp),
        ...(auth === undefined ? {} : { auth }),
      },
    },
    warnings: preset.warning ? [preset.warning] : [],
  };
};
