import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../../lambda/config/parse.js';
import { isPopfwdError } from '../../../lambda/errors.js';
import { parseDuration, parseSize } from '../../../lambda/units.js';
import {
  configJsonSchema,
  DURATION_PATTERN,
  formatJsonSchema,
  SIZE_PATTERN,
} from '../../../scripts/config-json-schema.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SCHEMA_FILE = join(root, 'schema/popfwd.schema.json');
const committed = readFileSync(SCHEMA_FILE, 'utf8');
const schema = JSON.parse(committed) as Record<string, unknown>;

/** A real JSON Schema (draft 2020-12) validator, as editors use one. */
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const schemaErrors = (document: unknown): string[] =>
  validate(document)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);

const popfwdAccepts = (document: unknown): boolean => {
  try {
    parseConfig(document, 'test.yaml');
    return true;
  } catch (error) {
    if (isPopfwdError(error) && error.code === 'ECONFIG') return false;
    throw error;
  }
};

const yamlFile = (path: string): unknown => parse(readFileSync(join(root, path), 'utf8'));

const EXAMPLES = readdirSync(join(root, 'examples')).filter((name) => name.endsWith('.yaml'));
const VALID_CONFIGS = [
  ...EXAMPLES.map((name) => `examples/${name}`),
  'test/fixtures/infra/alice.config.yaml',
  'test/fixtures/infra/bob.config.yaml',
  'test/fixtures/infra/local-store.config.yaml',
  'test/fixtures/mail/rules.yaml',
];

const base = () =>
  parse(`
mailbox:
  address: alice@example.test
  pop3: { host: pop.example.test }
  smtp: { host: smtp.example.test }
  auth: { method: password, password: { env: PW } }
`) as { mailbox: Record<string, unknown> } & Record<string, unknown>;

/** Rules as the config file writes them (when / then). */
const withRule = (document: Record<string, unknown>, rule: string) =>
  Object.assign(document, { rules: [parse(rule)] });

/** Mistakes an editor can point out while typing; popfwd refuses each of them too. */
const MISTAKES: Record<string, (document: ReturnType<typeof base>) => void> = {
  'a misspelt top-level key': (d) => Object.assign(d, { mailbxo: {} }),
  'a port out of range': (d) => Object.assign(d.mailbox, { pop3: { host: 'p', port: 99_999 } }),
  'an unknown security mode': (d) =>
    Object.assign(d.mailbox, { smtp: { host: 's', security: 'ssl' } }),
  'an inline password': (d) =>
    Object.assign(d.mailbox, { auth: { method: 'password', password: 'x' } }),
  'an unknown retention': (d) => Object.assign(d.mailbox, { retention: 'sometimes' }),
  'negative days': (d) => Object.assign(d.mailbox, { retention: { deleteAfterDays: -1 } }),
  'no pop3 and no preset': (d) => delete d.mailbox.pop3,
  'no auth method and no preset': (d) =>
    Object.assign(d.mailbox, { auth: { password: { env: 'PW' } } }),
  'an unknown preset': (d) => Object.assign(d.mailbox, { preset: 'gmail' }),
  'a size that is not one': (d) => Object.assign(d, { limits: { maxBytesPerRun: '5 parsecs' } }),
  'a duration that is not one': (d) => Object.assign(d, { limits: { runTimeout: 'soon' } }),
  'an unknown action': (d) => withRule(d, '{ name: r, then: [explode] }'),
  'two match types in one pattern': (d) =>
    withRule(d, '{ name: r, when: { from: { glob: "*", contains: x } }, then: [stop] }'),
  'an unknown condition': (d) => withRule(d, '{ name: r, when: { sender: x }, then: [stop] }'),
  'a forward without recipients': (d) =>
    withRule(d, '{ name: r, then: [{ forward: { as: inline } }] }'),
  'an unknown forward mode': (d) =>
    withRule(d, '{ name: r, then: [{ forward: { to: a@b.example, as: fax } }] }'),
  'a store that is neither dir nor s3': (d) => Object.assign(d, { store: { ftp: 'x' } }),
  'vacation without a body': (d) => Object.assign(d, { vacation: { enabled: true } }),
};

describe('the config JSON Schema (schema/popfwd.schema.json)', () => {
  it('is up to date with the zod schema (run `npm run schema` after changing the config)', () => {
    expect(committed).toBe(formatJsonSchema(configJsonSchema()));
  });

  it.each(VALID_CONFIGS)('accepts %s, which popfwd accepts', (path) => {
    const document = yamlFile(path);
    expect(popfwdAccepts(document)).toBe(true);
    expect(schemaErrors(document)).toEqual([]);
  });

  it.each(Object.entries(MISTAKES))('flags %s, which popfwd refuses', (_name, mistake) => {
    const document = base();
    mistake(document);
    expect(popfwdAccepts(document)).toBe(false);
    expect(schemaErrors(document)).not.toEqual([]);
  });

  it('offers completions where the config has a fixed vocabulary', () => {
    const text = committed;
    for (const word of ['"tls"', '"starttls"', '"keep"', '"delete"', '"deleteAfterDays"']) {
      expect(text).toContain(word);
    }
    for (const word of ['"keepOnServer"', '"deleteFromServer"', '"redirect"', '"outlook"']) {
      expect(text).toContain(word);
    }
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'popfwd configuration',
      required: ['mailbox'],
      additionalProperties: false,
      $defs: { condition: { type: 'object' }, patterns: {}, size: {}, duration: {} },
    });
  });

  it('describes sizes and durations exactly as popfwd parses them', () => {
    const size = new RegExp(SIZE_PATTERN);
    const duration = new RegExp(DURATION_PATTERN);
    const sizes = [
      '5',
      '5MB',
      '512 KiB',
      '2g',
      '1.5mb',
      ' 10 kb ',
      '3GiB',
      '5 parsecs',
      'MB',
      '5ki',
      '',
    ];
    const durations = ['90s', '5m', '1h30m', '250ms', '2d', '5 m', 'soon', '1.5h', '', 'M5'];
    expect(sizes.map((text) => size.test(text))).toEqual(
      sizes.map((text) => parseSize(text) !== null),
    );
    expect(durations.map((text) => duration.test(text))).toEqual(
      durations.map((text) => parseDuration(text) !== null),
    );
  });
});

describe('the examples', () => {
  it.each(EXAMPLES)('%s names the schema for the YAML language server', (name) => {
    const text = readFileSync(join(root, 'examples', name), 'utf8');
    const match = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
    expect(match?.[1]).toBeDefined();
    expect(resolve(dirname(join(root, 'examples', name)), match?.[1] ?? '')).toBe(SCHEMA_FILE);
  });
});
