import { describe, expect, it } from 'vitest';
import type { BodyFacts, MessageMeta } from '../../../lambda/mail/message-meta.js';
import { evaluateRules, needsBody, type RuleInput } from '../../../lambda/rules/evaluate.js';
import type { RuleConfig } from '../../../lambda/rules/rule-schema.js';
import type { VacationConfig } from '../../../lambda/rules/vacation-config.js';
import { metaOf, personal, rulesFrom } from '../../helpers/mail/mail.js';

const OWNER = { address: 'alice@example.test', aliases: [] };
const NOW = Date.parse('2026-11-26T12:00:00Z');

const VACATION: VacationConfig = {
  enabled: true,
  subject: 'Away: {{subject}}',
  body: 'Hello {{fromName}},\nI am away until {{until}}.',
  days: 7,
  addresses: [],
  from: '2026-11-20T00:00:00.000Z',
  until: '2026-12-31T00:00:00.000Z',
};

const input = (meta: MessageMeta, extra: Partial<RuleInput> = {}): RuleInput => ({
  meta,
  owner: OWNER,
  now: NOW,
  ...extra,
});

const carol = metaOf(personal());
const body: BodyFacts = { text: 'Invoice No. 4711', hasAttachment: false, attachmentCount: 0 };

describe('evaluateRules: Sieve semantics', () => {
  it('keeps implicitly when nothing matches: an empty plan', () => {
    const rules = rulesFrom(
      '- { name: boss, when: { from: "*@boss.example" }, then: [ discard ] }',
    );

    expect(evaluateRules(rules, input(carol))).toEqual({
      matched: [],
      actions: [],
      tags: [],
      server: 'default',
      discarded: false,
      notes: [],
    });
  });

  it('applies every matching rule in order, with ids from rule and action position', () => {
    // Prepare
    const rules = rulesFrom(`
- { name: tag all, then: [ { tag: seen } ] }
- { name: no match, when: { isList: true }, then: [ { tag: list } ] }
- name: carol
  when: { from: "carol@*" }
  then: [ { tag: carol }, { forward: { to: [me@phone.example] } }, { forward: { to: desk@work.example, as: inline } } ]
`);

    // Act
    const plan = evaluateRules(rules, input(carol));

    // Assess
    expect(plan.matched).toEqual([
      { index: 0, name: 'tag all' },
      { index: 2, name: 'carol' },
    ]);
    expect(plan.tags).toEqual(['seen', 'carol']);
    expect(plan.actions).toEqual([
      {
        kind: 'forward',
        id: 'forward:2.1',
        rule: 'carol',
        to: ['me@phone.example'],
        as: 'attachment',
      },
      {
        kind: 'forward',
        id: 'forward:2.2',
        rule: 'carol',
        to: ['desk@work.example'],
        as: 'inline',
      },
    ]);
  });

  it('keeps action ids stable when an earlier rule stops matching', () => {
    const rules = rulesFrom(`
- { name: first, when: { subject: "*lunch*" }, then: [ { forward: { to: a@x.example } } ] }
- { name: second, then: [ { tag: t }, { forward: { to: b@x.example } } ] }
`);
    const lunch = evaluateRules(rules, input(carol));
    const dinner = personal().map((line) =>
      line.startsWith('Subject') ? 'Subject: Dinner' : line,
    );
    const other = evaluateRules(rules, input(metaOf(dinner)));

    expect(lunch.actions.map((action) => action.id)).toEqual(['forward:0.0', 'forward:1.1']);
    expect(other.actions.map((action) => action.id)).toEqual(['forward:1.1']);
  });

  it('stops at stop: later actions and rules do not run', () => {
    const rules = rulesFrom(`
- { name: first, then: [ { tag: one }, stop ] }
- { name: second, then: [ { tag: two } ] }
`);

    const plan = evaluateRules(rules, input(carol));

    expect(plan.matched.map((rule) => rule.name)).toEqual(['first']);
    expect(plan.tags).toEqual(['one']);
  });

  it('runs rules after a rule that did not match, even if it would have stopped', () => {
    const rules = rulesFrom(`
- { name: stopper, when: { isList: true }, then: [ stop ] }
- { name: after, then: [ { tag: after } ] }
`);

    expect(evaluateRules(rules, input(carol)).tags).toEqual(['after']);
  });

  it('discard cancels sends from every rule, before and after it, and says so', () => {
    // Prepare
    const rules = rulesFrom(`
- { name: fwd, then: [ { forward: { to: me@phone.example } } ] }
- { name: junk, when: { subject: "*lunch*" }, then: [ { tag: junk }, discard ] }
- { name: answer, then: [ { reply: { body: thanks } } ] }
`);

    // Act
    const plan = evaluateRules(rules, input(carol, { vacation: VACATION }));

    // Assess
    expect(plan.discarded).toBe(true);
    expect(plan.actions).toEqual([]);
    expect(plan.tags).toEqual(['junk']);
    expect(plan.notes).toEqual([
      {
        action: 'forward:0.0',
        reason: 'not sent: rules[1] "junk" discards the message (the archive keeps it)',
      },
      {
        action: 'reply:2.0',
        reason: 'not sent: rules[1] "junk" discards the message (the archive keeps it)',
      },
    ]);
  });

  it('lets the last keepOnServer / deleteFromServer win', () => {
    const keepThenDelete = rulesFrom(`
- { name: a, then: [ keepOnServer ] }
- { name: b, then: [ deleteFromServer ] }
`);
    const deleteThenKeep = rulesFrom(`
- { name: a, then: [ deleteFromServer ] }
- { name: b, then: [ keepOnServer ] }
`);

    expect(evaluateRules(keepThenDelete, input(carol)).server).toBe('delete');
    expect(evaluateRules(deleteThenKeep, input(carol)).server).toBe('keep');
  });

  it('accumulates tags without duplicates, in first-seen order', () => {
    const rules = rulesFrom(`
- { name: a, then: [ { tag: b }, { tag: a } ] }
- { name: b, then: [ { tag: a }, { tag: c } ] }
`);

    expect(evaluateRules(rules, input(carol)).tags).toEqual(['b', 'a', 'c']);
  });

  it('skips disabled rules entirely', () => {
    const rules = rulesFrom('- { name: off, enabled: false, then: [ { tag: x }, stop ] }');

    expect(evaluateRules(rules, input(carol)).matched).toEqual([]);
  });

  it('forwards to an address once per message even when two rules ask', () => {
    const rules = rulesFrom(`
- { name: a, then: [ { forward: { to: [me@phone.example, x@y.example] } } ] }
- { name: b, then: [ { forward: { to: [ME@phone.example] } } ] }
`);

    const plan = evaluateRules(rules, input(carol));

    expect(plan.actions.map((action) => action.id)).toEqual(['forward:0.0']);
    expect(plan.notes).toEqual([
      {
        action: 'forward:1.0',
        reason: 'ME@phone.example already gets this message by forward:0.0',
      },
    ]);
  });
});

describe('evaluateRules: the body', () => {
  const bodyRules = rulesFrom(`
- { name: invoices, when: { body: { contains: invoice } }, then: [ { tag: invoice } ] }
- { name: attachments, when: { not: { hasAttachment: true } }, then: [ { tag: plain } ] }
- { name: header only, when: { subject: "*lunch*" }, then: [ { tag: lunch } ] }
`);

  it('needsBody is true only when an enabled rule reads the body or attachments', () => {
    expect(needsBody(bodyRules)).toBe(true);
    expect(needsBody(rulesFrom('- { name: h, when: { subject: x }, then: [stop] }'))).toBe(false);
    expect(
      needsBody(rulesFrom('- { name: off, enabled: false, when: { body: x }, then: [stop] }')),
    ).toBe(false);
    expect(
      needsBody(
        rulesFrom('- { name: deep, when: { any: [ { not: { body: x } } ] }, then: [stop] }'),
      ),
    ).toBe(true);
  });

  it('evaluates body conditions on the body facts', () => {
    expect(evaluateRules(bodyRules, input(carol, { body })).tags).toEqual([
      'invoice',
      'plain',
      'lunch',
    ]);
  });

  it('fails closed with a note when a rule needs the body and it is missing, even under not', () => {
    const plan = evaluateRules(bodyRules, input(carol));

    expect(plan.tags).toEqual(['lunch']);
    expect(plan.notes).toEqual([
      {
        reason:
          'rules[0] "invoices" needs the message body, which could not be read; the rule did not match',
      },
      {
        reason:
          'rules[1] "attachments" needs the message body, which could not be read; the rule did not match',
      },
    ]);
  });
});

describe('evaluateRules: what the rules could not see', () => {
  it('notes a header block that could not be parsed', () => {
    const meta = { ...carol, headers: [], parseError: 'no header fields found' };

    const plan = evaluateRules([], input(meta));

    expect(plan.notes).toEqual([
      { reason: 'no header fields found: the rules saw empty header fields' },
    ]);
  });

  it('notes a header block cut short', () => {
    const meta = { ...carol, parseError: 'the header block is longer than 1 MiB' };

    const plan = evaluateRules([], input(meta));

    expect(plan.notes).toEqual([
      { reason: 'the header block is longer than 1 MiB: the rules saw only the fields before it' },
    ]);
  });

  it('notes a broken body when a rule reads it', () => {
    const rules = rulesFrom('- { name: b, when: { body: "*x*" }, then: [ { tag: x } ] }');
    const broken = { ...body, parseError: 'the message body could not be fully parsed: bad' };

    const plan = evaluateRules(rules, input(carol, { body: broken }));

    expect(plan.notes).toEqual([
      {
        reason:
          'the message body could not be fully parsed: bad: body conditions saw what could be read',
      },
    ]);
  });

  it('fails closed with a note when a hand-built rule cannot be evaluated', () => {
    // Prepare: a rule that bypassed the schema's regex check
    const rules: RuleConfig[] = [
      {
        name: 'broken',
        enabled: true,
        when: { subject: [{ regex: '(', flags: 'i' }] },
        actions: [{ kind: 'tag', name: 'never' }],
      },
    ];

    // Act
    const plan = evaluateRules(rules, input(carol));

    // Assess
    expect(plan.tags).toEqual([]);
    expect(plan.notes[0]?.reason).toMatch(
      /^rules\[0\] "broken" could not be evaluated \(regex \/\(\/i: .*missing closing \).*\); the rule did not match$/,
    );
  });
});
