import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../../config/load.js';
import { PopfwdError } from '../../errors.js';
import { readBodyFacts } from '../../mail/body-facts.js';
import type { MessageMeta } from '../../mail/message-meta.js';
import { parseHeaderBlock } from '../../mail/parse-headers.js';
import { evaluateRules, needsBody } from '../../rules/evaluate.js';
import { ownerFromConfig } from '../../rules/owner.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { describeRetention } from '../describe-config.js';
import { type Command, EXIT } from '../io.js';
import { formatRulesReport, rulesReportJson } from '../rules-report.js';

const { usage } = COMMAND_SPECS.rulesTest;

const readMessage = async (path: string): Promise<Buffer> => {
  try {
    return await readFile(path);
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
    throw new PopfwdError('EUSAGE', `${path}: ${reason}`, { cause });
  }
};

const evaluationTime = (date: string | undefined): number => {
  if (date === undefined) return Date.now();
  const time = Date.parse(date);
  if (Number.isNaN(time)) {
    throw new PopfwdError('EUSAGE', `--date: expected a date like 2026-12-24, got ${date}`);
  }
  return time;
};

/** Dry run of the rules on one .eml: reads the file and the config, touches nothing else. */
export const rulesTestCommand: Command = {
  ...COMMAND_SPECS.rulesTest,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        date: { type: 'string' },
      },
      usage,
      true,
    );
    const [file, ...extra] = positionals;
    if (!values.config || !file || extra.length > 0) {
      throw new PopfwdError(
        'EUSAGE',
        `${values.config ? 'give exactly one message file' : '--config is required'}\nusage: popfwd ${usage}`,
      );
    }
    const now = evaluationTime(values.date);
    const { config, warnings } = await loadConfig(resolve(io.cwd, values.config));
    for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
    const raw = await readMessage(resolve(io.cwd, file));

    const meta: MessageMeta = {
      ...parseHeaderBlock(raw),
      uidl: '(local file)',
      key: file,
      size: raw.length,
      sha256: createHash('sha256').update(raw).digest('hex'),
      archivedAt: new Date(now).toISOString(),
    };
    const body = needsBody(config.rules)
      ? await readBodyFacts(Readable.from([raw]), { limit: config.limits.bodyScanLimit })
      : null;
    const plan = evaluateRules(config.rules, {
      meta,
      ...(body ? { body } : {}),
      owner: ownerFromConfig(config),
      ...(config.vacation ? { vacation: config.vacation } : {}),
      now,
    });
    const report = {
      file,
      meta,
      body,
      rules: config.rules,
      plan,
      retention: describeRetention(config.mailbox.retention),
    };
    io.stdout.write(values.json ? rulesReportJson(report) : formatRulesReport(report));
    return EXIT.ok;
  },
};
