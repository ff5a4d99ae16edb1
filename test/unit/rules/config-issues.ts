import { parse } from 'yaml';
import type { ConfigIssue } from '../../../lambda/config/issues.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { isPopfwdError } from '../../../lambda/errors.js';

export const MAILBOX = `
mailbox:
  address: alice@example.test
  pop3: { host: pop.example.test }
  smtp: { host: smtp.example.test }
  auth: { method: password, password: { env: PW } }
`;

/** The issues parseConfig reports for a config document, [] when it is valid. */
export const issuesOf = (yaml: string): ConfigIssue[] => {
  try {
    parseConfig(parse(yaml), 'test.yaml');
    return [];
  } catch (error) {
    if (isPopfwdError(error) && error.code === 'ECONFIG') {
      return error.context.issues as ConfigIssue[];
    }
    throw error;
  }
};

export const withRules = (rules: string, extra = ''): string =>
  `${MAILBOX}rules:\n${rules}\n${extra}`;
