import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { PopfwdError } from '../../errors.js';
import { readBodyFacts } from '../../mail/body-facts.js';
import type { MessageMeta } from '../../mail/message-meta.js';
import { parseHeaderBlock } from '../../mail/parse-headers.js';
import { evaluateRules, needsBody } from '../../rules/evaluate.js';
import { ownerFromConfig } from '../../rules/owner.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';
import { describeRetention } from '../output/describe-config.js';
import { formatRulesReport, rulesReportJson } from '../output/rules-report.js';

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
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(COMMAND_SPECS.rulesTest, args);
    // The spec requires exactly one.
    const file = positionals[0] as string;
    const now = evaluationTime(values.date);
    const { config } = await loadCommandConfig(values.config, io);
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
