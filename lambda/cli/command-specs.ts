/**
 * Every command, once: what it is called, what it does, its options and where its implementation
 * is. The parser, the help text, the usage line and main's dispatch are all made from this table,
 * so adding a command is one entry here plus its file under commands/. An implementation (and what
 * it imports: the AWS SDK, nodemailer, mailparser) loads only when its command runs.
 */

import { FILTER_OPTIONS } from './archive-options.js';
import type { Command } from './io.js';
import {
  CONFIG_OPTION,
  CONFIGS_OPTION,
  DEADLINE_OPTION,
  JSON_OPTION,
  type OptionSpecs,
  type PositionalSpec,
} from './option-spec.js';

export interface CommandSpec {
  /** Words after `popfwd`, e.g. ['archive', 'list']. */
  readonly name: readonly string[];
  readonly summary: string;
  /** Besides the options every command takes (-q, -v, --version, --help). */
  readonly options: OptionSpecs;
  readonly positionals?: readonly PositionalSpec[];
}

/** A command as main dispatches it: its spec, and its implementation, imported when it runs. */
export interface CommandEntry extends CommandSpec {
  readonly load: () => Promise<Command>;
}

export const COMMAND_SPECS = {
  run: {
    name: ['run'],
    load: async () => (await import('./commands/run.js')).runCommand,
    summary: 'poll the mailbox (or each of several, one after another) once',
    options: {
      config: CONFIGS_OPTION,
      json: {
        ...JSON_OPTION,
        description:
          'print the summary as one JSON object: {fetched, archived, alreadyArchived, deleted, forwarded, replied, skipped, failed, durationMs, …}; several configs: one line per mailbox with {config, mailbox, exitCode} added, or {config, mailbox, error, exitCode}',
      },
      deadline: {
        ...DEADLINE_OPTION,
        description: `${DEADLINE_OPTION.description}; with several configs, each mailbox's run`,
      },
      'dry-run': {
        type: 'boolean',
        description:
          'log in, list and read the new messages, evaluate the rules and print what a run would archive, send and delete; changes nothing on the server or in the store; with --json: {mailbox, listed, archive, later, delete, waitingSends, seenLost}',
      },
    },
  },
  watch: {
    name: ['watch'],
    load: async () => (await import('./commands/watch.js')).watchCommand,
    summary: 'poll the mailbox (or several) in a loop (local daemon mode)',
    options: {
      config: CONFIGS_OPTION,
      every: {
        type: 'string',
        value: 'DURATION',
        default: '5m',
        description:
          'time between polls, at least 10s (default 5m); the config is re-read before each poll',
      },
      deadline: {
        ...DEADLINE_OPTION,
        description: "each poll (each mailbox's) finishes within this time (default: --every)",
      },
      json: {
        ...JSON_OPTION,
        description:
          'print each run summary as one JSON line; several configs: with {config, mailbox} added',
      },
    },
  },
  sandbox: {
    name: ['sandbox'],
    load: async () => (await import('./commands/sandbox.js')).sandboxCommand,
    summary: 'a run against a built-in sample mailbox (local servers; nothing leaves the machine)',
    options: {
      dir: {
        type: 'string',
        value: 'DIR',
        default: 'popfwd-sandbox',
        description:
          'where the sandbox writes its config, archive and captured sends (default ./popfwd-sandbox)',
      },
      json: { ...JSON_OPTION, description: 'print the run summary as one JSON object' },
    },
  },
  status: {
    name: ['status'],
    load: async () => (await import('./commands/status.js')).statusCommand,
    summary:
      'what the store says: last runs, sends waiting or failed, pauses, set-aside messages, archive size (read-only)',
    options: {
      config: CONFIG_OPTION,
      json: {
        ...JSON_OPTION,
        description:
          'print one JSON object: {mailbox, location, initialized, lease, runs, waiting, failed, sendPause, quarantined, sendsToday, archive, refreshTokenRotatedAt}',
      },
    },
  },
  resend: {
    name: ['resend'],
    load: async () => (await import('./commands/resend.js')).resendCommand,
    summary:
      'send now what waits (or, with --failed, what failed), once, from the archived copy; takes the lease like a run',
    options: {
      config: CONFIG_OPTION,
      failed: {
        type: 'boolean',
        description:
          'the sends that failed for good (`popfwd status` lists them) instead of the waiting ones',
      },
      json: {
        ...JSON_OPTION,
        description:
          'print one JSON object: {messages, forwarded, replied, failed, pendingActions, …}',
      },
    },
    positionals: [
      {
        name: 'ID…',
        variadic: true,
        description:
          'message ids or UIDLs (as `popfwd status` shows them); none: all of them; an unknown one exits 2',
      },
    ],
  },
  configCheck: {
    name: ['config', 'check'],
    load: async () => (await import('./commands/config-check.js')).configCheckCommand,
    summary: 'validate a config file and explain what it will do',
    options: {
      config: CONFIG_OPTION,
      offline: {
        type: 'boolean',
        description: 'do not read the secrets (e.g. SSM parameters out of reach from here)',
      },
    },
  },
  rulesTest: {
    name: ['rules', 'test'],
    load: async () => (await import('./commands/rules-test.js')).rulesTestCommand,
    summary: 'dry run: which rules match a message and what popfwd would do',
    options: {
      config: CONFIG_OPTION,
      json: JSON_OPTION,
      date: {
        type: 'string',
        value: 'DATE',
        description: 'evaluate as if on this day (vacation from/until), e.g. 2026-12-24',
      },
    },
    positionals: [
      {
        name: 'MESSAGE.eml',
        description: 'a raw message, e.g. one from the archive; nothing is sent or stored',
        required: true,
      },
    ],
  },
  archiveList: {
    name: ['archive', 'list'],
    load: async () => (await import('./commands/archive-list.js')).archiveListCommand,
    summary: 'list archived messages, oldest archived first (the catalog only: no message is read)',
    options: {
      config: CONFIG_OPTION,
      json: {
        ...JSON_OPTION,
        description:
          'one JSON line per message: {id, uidl, key, size, sha256, from, to, subject, date, archivedAt, tags}',
      },
      ...FILTER_OPTIONS,
    },
  },
  archiveSearch: {
    name: ['archive', 'search'],
    load: async () => (await import('./commands/archive-search.js')).archiveSearchCommand,
    summary:
      'archived messages whose subject, names, addresses or decoded text body contain TEXT (case-insensitive), printed as found',
    options: {
      config: CONFIG_OPTION,
      json: {
        ...JSON_OPTION,
        description:
          'one JSON line per match: the `archive list --json` fields and in ("headers" or "body")',
      },
      ...FILTER_OPTIONS,
    },
    positionals: [
      {
        name: 'TEXT',
        description: 'what to look for; the filters narrow the messages searched',
        required: true,
      },
    ],
  },
  archiveShow: {
    name: ['archive', 'show'],
    load: async () => (await import('./commands/archive-show.js')).archiveShowCommand,
    summary:
      'one archived message: its headers, text body (HTML converted) and attachments, or its exact bytes',
    options: {
      config: CONFIG_OPTION,
      raw: {
        type: 'boolean',
        description:
          'write the archived bytes to stdout, exactly as archived (> message.eml, or a pipe; not to a terminal)',
      },
      json: {
        ...JSON_OPTION,
        description:
          'print one JSON object: {id, uidl, key, size, sha256, archivedAt, tags, from, to, cc, date, dateHeader, subject, messageId, text, textFrom, textTruncated, attachments, parseError?}',
      },
    },
    positionals: [
      {
        name: 'ID',
        description:
          'a UIDL, an archive key, a Message-ID, a message id (an exported NAME.eml) or a unique SHA-256 prefix (4+ hex digits)',
        required: true,
      },
    ],
  },
  archiveExport: {
    name: ['archive', 'export'],
    load: async () => (await import('./commands/archive-export.js')).archiveExportCommand,
    summary:
      'copy archived messages to an mbox (mboxrd), a Maildir or .eml files, byte-exact; a second export to the same --out adds only what is missing',
    options: {
      config: CONFIG_OPTION,
      format: {
        type: 'string',
        value: 'mbox|maildir|eml',
        required: true,
        description:
          'mbox: one file, mboxrd; maildir: cur/ of a Maildir, mtime the archiving time; eml: one ID.eml per message',
      },
      out: {
        type: 'string',
        value: 'PATH',
        required: true,
        description: 'the mbox file, or the Maildir or eml folder (created when missing)',
      },
      json: {
        ...JSON_OPTION,
        description:
          'print one JSON object: {format, out, selected, exported, alreadyThere, repaired, missing, damaged, bytes, interrupted}',
      },
      ...FILTER_OPTIONS,
    },
  },
  archiveVerify: {
    name: ['archive', 'verify'],
    load: async () => (await import('./commands/archive-verify.js')).archiveVerifyCommand,
    summary:
      'read every archived message again and check its size and SHA-256 against the catalog; exit 1 on any missing, extra or damaged object',
    options: {
      config: CONFIG_OPTION,
      json: {
        ...JSON_OPTION,
        description:
          'print one JSON object: {messages, bytes, ok, missing, extra, damaged, interrupted}',
      },
    },
  },
  archiveServe: {
    name: ['archive', 'serve'],
    load: async () => (await import('./commands/archive-serve.js')).archiveServeCommand,
    summary:
      'read and search the archive in a web page on this machine (127.0.0.1, a token in the URL)',
    options: {
      config: CONFIG_OPTION,
      port: {
        type: 'string',
        value: 'N',
        description: 'the port to listen on (default: a free one); the URL printed names it',
      },
      host: {
        type: 'string',
        value: 'ADDRESS',
        default: '127.0.0.1',
        description:
          'a loopback address to listen on: 127.0.0.1 (the default) or ::1; any other is refused',
      },
      open: {
        type: 'boolean',
        description:
          'open the page in the default browser (xdg-open, open or start; the token stays off every command line)',
      },
    },
  },
  authLogin: {
    name: ['auth', 'login'],
    load: async () => {
      const [{ createAuthLoginCommand }, { verifyMailboxLogin }] = await Promise.all([
        import('./commands/auth-login.js'),
        import('./verify-mailbox-login.js'),
      ]);
      return createAuthLoginCommand({ verifyLogin: verifyMailboxLogin });
    },
    summary: 'sign in to Outlook.com (OAuth2 device code) and store the refresh token',
    options: {
      config: {
        ...CONFIG_OPTION,
        description: `${CONFIG_OPTION.description}; with auth.method oauth2 (or preset: outlook): the refresh token is stored where auth.refreshToken points`,
      },
    },
  },
} as const satisfies Record<string, CommandEntry>;

export type CommandKey = keyof typeof COMMAND_SPECS;

/** A group's word and what its commands are about: `popfwd config --help`. */
export const GROUPS: Readonly<Record<string, string>> = {
  config: 'the config file',
  rules: 'the rules, tried on a message',
  archive: 'the archive',
  auth: 'signing in (OAuth2)',
};

export const SPECS = Object.entries(COMMAND_SPECS) as Array<[CommandKey, CommandSpec]>;

/** `run [--config FILE|DIR]… [--json] [--deadline DURATION]`: made from the options. */
export const usageOf = (spec: CommandSpec): string => {
  const options = Object.entries(spec.options).map(([name, option]) => {
    const text = `--${name}${option.value ? ` ${option.value}` : ''}`;
    return `${option.required ? text : `[${text}]`}${option.repeatable ? '…' : ''}`;
  });
  const positionals = (spec.positionals ?? []).map((positional) =>
    positional.required ? positional.name : `[${positional.name}]`,
  );
  return [...spec.name, ...options, ...positionals].join(' ');
};
