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

export const PRESETS = {
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
} as const satisfies Readonly<Record<string, Preset>>;

export type PresetName = keyof typeof PRESETS;

/** What `mailbox.preset` accepts (config-schema.ts): a preset added above is valid there. */
export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

/** The preset a document names; an own key only, so `preset: toString` names none. */
const presetNamed = (name: unknown): Preset | undefined =>
  typeof name === 'string' && Object.hasOwn(PRESETS, name)
    ? PRESETS[name as PresetName]
    : undefined;

/** Returns the document with the preset merged under the explicit mailbox fields, plus warnings. */
export const applyPreset = (raw: unknown): { document: unknown; warnings: string[] } => {
  if (!isRecord(raw) || !isRecord(raw.mailbox)) return { document: raw, warnings: [] };
  const mailbox = raw.mailbox;
  const preset = presetNamed(mailbox.preset);
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
