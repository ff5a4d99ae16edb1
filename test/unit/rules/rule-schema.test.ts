import { describe, expect, it } from 'vitest';
import { rulesFrom } from '../../helpers/mail/mail.js';
import { issuesOf, withRules } from './config-issues.js';

describe('rulesSchema', () => {
  it('normalizes shorthands: patterns become lists, actions get a kind, as defaults to attachment', () => {
    // Act
    const [rule] = rulesFrom(`
- name: boss to phone
  when: { from: "*@boss.example", subject: { contains: urgent } }
  then: [ { forward: { to: me@phone.example } }, { tag: boss }, stop ]
`);

    // Assess
    expect(rule).toEqual({
      name: 'boss to phone',
      enabled: true,
      when: { from: [{ glob: '*@boss.example' }], subject: [{ contains: 'urgent' }] },
      actions: [
        { kind: 'forward', to: ['me@phone.example'], as: 'attachment' },
        { kind: 'tag', name: 'boss' },
        { kind: 'stop' },
      ],
    });
  });

  it('reads every condition and action form', () => {
    const [rule] = rulesFrom(`
- name: everything
  enabled: false
  when:
    from: [ "*@a.example", { is: b@b.example } ]
    to: { regex: "^alice", flags: "" }
    cc: "*"
    header: { name: X-Spam-Flag, value: "yes" }
    size: { over: 5MB, under: 1GB }
    hasAttachment: true
    isList: false
    isAutoReply: false
    sentToMe: true
    all: [ { subject: x } ]
    any: [ { body: { contains: y } } ]
    not: { header: { name: List-Id, exists: true } }
  then:
    - { reply: { subject: "Re: {{subject}}", body: "Hi {{fromName}}" } }
    - vacation
    - keepOnServer
`);

    expect(rule?.enabled).toBe(false);
    expect(rule?.when).toMatchObject({
      from: [{ glob: '*@a.example' }, { is: 'b@b.example' }],
      to: [{ regex: '^alice', flags: '' }],
      header: { name: 'x-spam-flag', value: [{ glob: 'yes' }] },
      size: { over: 5_000_000, under: 1_000_000_000 },
      not: { header: { name: 'list-id', exists: true } },
    });
    expect(rule?.actions).toEqual([
      { kind: 'reply', subject: 'Re: {{subject}}', body: 'Hi {{fromName}}' },
      { kind: 'vacation' },
      { kind: 'keepOnServer' },
    ]);
  });

  it('leaves when out to match every message', () => {
    const [rule] = rulesFrom('- { name: all mail, then: [ { tag: seen } ] }');

    expect(rule?.when).toBeNull();
  });

  it('defaults a regex to case-insensitive', () => {
    const [rule] = rulesFrom('- { name: r, when: { subject: { regex: "^re:" } }, then: [stop] }');

    expect(rule?.when?.subject).toEqual([{ regex: '^re:', flags: 'i' }]);
  });
});

describe('rule validation messages', () => {
  it.each([
    [
      'a misspelt condition',
      '  - { name: boss to phone, when: { form: "*@boss.example" }, then: [stop] }',
      {
        path: 'rules[0] "boss to phone".when.form',
        message: 'unknown field; did you mean "from"?',
      },
    ],
    [
      'a bad forward address',
      '  - { name: boss to phone, then: [ { forward: { to: [not-an-address] } } ] }',
      {
        path: 'rules[0] "boss to phone".then[0].forward.to[0]',
        message: 'expected an e-mail address like you@example.com',
      },
    ],
    [
      'an unknown forward mode',
      '  - { name: f, then: [ { forward: { to: a@b.example, as: attachement } } ] }',
      {
        path: 'rules[0] "f".then[0].forward.as',
        message: 'expected one of: attachment, inline, redirect',
      },
    ],
    [
      'a misspelt action word',
      '  - { name: s, then: [ stpo ] }',
      {
        path: 'rules[0] "s".then[0]',
        message: expect.stringMatching(/^unknown action "stpo"; expected an action: stop, discard/),
      },
    ],
    [
      'a misspelt action object',
      '  - { name: s, then: [ { froward: { to: a@b.example } } ] }',
      { path: 'rules[0] "s".then[0].froward', message: 'unknown field' },
    ],
    [
      'a plain action written as an object',
      '  - { name: s, then: [ { stop: true } ] }',
      { path: 'rules[0] "s".then[0]', message: 'write stop as a plain word: then: [ stop ]' },
    ],
    [
      'two actions in one list item',
      '  - { name: s, then: [ { tag: x, forward: { to: a@b.example } } ] }',
      {
        path: 'rules[0] "s".then[0]',
        message: expect.stringMatching(/^one action per list item \(got tag, forward\)/),
      },
    ],
    [
      'then that is not a list',
      '  - { name: s, then: stop }',
      { path: 'rules[0] "s".then', message: expect.stringMatching(/^expected a list of actions/) },
    ],
    [
      'an empty then',
      '  - { name: s, then: [] }',
      { path: 'rules[0] "s".then', message: 'add at least one action' },
    ],
    [
      'a catastrophic regex',
      '  - { name: r, when: { subject: { regex: "(a+)+$" } }, then: [stop] }',
      {
        path: 'rules[0] "r".when.subject.regex',
        message: expect.stringMatching(/nested repetition/),
      },
    ],
    [
      'a backreference (RE2 has none)',
      '  - { name: twice, when: { body: { regex: "(\\\\w+) \\\\1" } }, then: [stop] }',
      {
        path: 'rules[0] "twice".when.body.regex',
        message: expect.stringMatching(/^\\1 \(a backreference\) is not supported/),
      },
    ],
    [
      'a lookahead (RE2 has none)',
      '  - { name: ahead, when: { header: { name: X-Spam, value: { regex: "^(?!no)" } } }, then: [stop] }',
      {
        path: 'rules[0] "ahead".when.header.value.regex',
        message: expect.stringMatching(/^lookahead .* is not supported/),
      },
    ],
    [
      'a lookbehind in a list of patterns',
      '  - { name: behind, when: { from: [ "*@a.example", { regex: "(?<=@)evil" } ] }, then: [stop] }',
      {
        path: 'rules[0] "behind".when.from[1].regex',
        message: expect.stringMatching(/^lookbehind .* is not supported/),
      },
    ],
    [
      'a regex that does not compile',
      '  - { name: r, when: { body: { regex: "[" } }, then: [stop] }',
      {
        path: 'rules[0] "r".when.body.regex',
        message: expect.stringMatching(/^not a valid regular expression/),
      },
    ],
    [
      'a stateful regex flag',
      '  - { name: r, when: { subject: { regex: x, flags: g } }, then: [stop] }',
      {
        path: 'rules[0] "r".when.subject.regex',
        message: 'flag "g" is not supported (use any of imsu)',
      },
    ],
    [
      'flags without a regex',
      '  - { name: r, when: { subject: { contains: x, flags: i } }, then: [stop] }',
      { path: 'rules[0] "r".when.subject.flags', message: 'flags go with regex only' },
    ],
    [
      'two match types at once',
      '  - { name: r, when: { to: [ "a@b", { is: x, contains: y } ] }, then: [stop] }',
      {
        path: 'rules[0] "r".when.to[1]',
        message: 'use exactly one of is, contains, glob or regex (got is and contains)',
      },
    ],
    [
      'a pattern that is not text',
      '  - { name: r, when: { from: 5 }, then: [stop] }',
      {
        path: 'rules[0] "r".when.from',
        message: expect.stringMatching(/^expected a pattern: a glob like/),
      },
    ],
    [
      'an over-long pattern',
      `  - { name: r, when: { subject: "${'x'.repeat(501)}" }, then: [stop] }`,
      { path: 'rules[0] "r".when.subject', message: 'the pattern must be at most 500 characters' },
    ],
    [
      'an empty condition object',
      '  - { name: r, when: {}, then: [stop] }',
      { path: 'rules[0] "r".when', message: expect.stringMatching(/^add at least one condition/) },
    ],
    [
      'a bad size',
      '  - { name: r, when: { size: { over: 5XB } }, then: [stop] }',
      {
        path: 'rules[0] "r".when.size.over',
        message: 'expected a size like "25MB" or "512KiB", got "5XB"',
      },
    ],
    [
      'a size range that is empty',
      '  - { name: r, when: { size: { over: 5MB, under: 1MB } }, then: [stop] }',
      {
        path: 'rules[0] "r".when.size.under',
        message: 'must be larger than over (no message is both)',
      },
    ],
    [
      'a header name with a space',
      '  - { name: r, when: { header: { name: "List Id", exists: true } }, then: [stop] }',
      {
        path: 'rules[0] "r".when.header.name',
        message: expect.stringMatching(/^expected a header name/),
      },
    ],
    [
      'a header test with value and exists',
      '  - { name: r, when: { header: { name: List-Id, value: x, exists: true } }, then: [stop] }',
      { path: 'rules[0] "r".when.header', message: 'give either value or exists (not both)' },
    ],
    [
      'a nested mistake',
      '  - { name: n, when: { any: [ { subject: x }, { not: { isList: maybe } } ] }, then: [stop] }',
      { path: 'rules[0] "n".when.any[1].not.isList', message: 'expected true or false' },
    ],
    [
      'an unknown template placeholder',
      '  - { name: t, then: [ { reply: { subject: "Re: {{subjet}}", body: hi } } ] }',
      {
        path: 'rules[0] "t".then[0].reply.subject',
        message: expect.stringMatching(/^unknown placeholder \{\{subjet\}\}; known: \{\{from\}\}/),
      },
    ],
    [
      'a reply without a body',
      '  - { name: t, then: [ { reply: { subject: hi } } ] }',
      { path: 'rules[0] "t".then[0].reply.body', message: expect.stringMatching(/^required/) },
    ],
    [
      'a subject template with a line break',
      '  - { name: t, then: [ { reply: { subject: "a\\r\\nBcc: x@evil.example", body: hi } } ] }',
      {
        path: 'rules[0] "t".then[0].reply.subject',
        message: 'the subject must be one line without control characters',
      },
    ],
    [
      'a tag with a comma',
      '  - { name: t, then: [ { tag: "a,b" } ] }',
      {
        path: 'rules[0] "t".then[0].tag',
        message: expect.stringMatching(/^expected a tag of letters/),
      },
    ],
    [
      'an action after stop',
      '  - { name: t, then: [ stop, { tag: x } ] }',
      {
        path: 'rules[0] "t".then[1]',
        message: 'comes after stop and would never run; put stop last',
      },
    ],
    [
      'discard with a send in the same rule',
      '  - { name: t, then: [ { forward: { to: a@b.example } }, discard ] }',
      {
        path: 'rules[0] "t".then',
        message: expect.stringMatching(/^discard cancels every forward and reply/),
      },
    ],
    [
      'keepOnServer with deleteFromServer',
      '  - { name: t, then: [ keepOnServer, deleteFromServer ] }',
      {
        path: 'rules[0] "t".then',
        message: 'keepOnServer and deleteFromServer contradict each other; keep one',
      },
    ],
    [
      'a nameless rule',
      '  - { when: { subject: x }, then: [stop] }',
      { path: 'rules[0].name', message: expect.stringMatching(/^required/) },
    ],
  ])('names the rule and the field for %s', (_, rules, issue) => {
    expect(issuesOf(withRules(rules))).toContainEqual(issue);
  });

  it('refuses two rules with the same name', () => {
    const issues = issuesOf(
      withRules('  - { name: Boss, then: [stop] }\n  - { name: boss, then: [stop] }'),
    );

    expect(issues).toContainEqual({
      path: 'rules[1] "boss".name',
      message: 'rules[0] already has this name; rule names must be unique',
    });
  });

  it('refuses conditions nested deeper than the limit', () => {
    const deep = `${'{ not: '.repeat(9)}{ subject: x }${' }'.repeat(9)}`;

    expect(issuesOf(withRules(`  - { name: deep, when: ${deep}, then: [stop] }`))).toContainEqual({
      path: 'rules[0] "deep".when',
      message: 'all/any/not nest at most 8 levels deep',
    });
  });

  it('lists every mistake at once', () => {
    const issues = issuesOf(
      withRules(
        '  - { name: a, when: { form: x }, then: [stpo] }\n  - { name: b, then: [ { forward: { to: nobody } } ] }',
      ),
    );

    expect(issues.map((issue) => issue.path)).toEqual([
      'rules[0] "a".when.form',
      'rules[0] "a".then[0]',
      'rules[1] "b".then[0].forward.to',
    ]);
  });
});
