import { describe, expect, it } from 'vitest';
import {
  renderBody,
  renderSubject,
  singleLine,
  type TemplateValues,
  templateProblems,
  templateValues,
} from '../../../lambda/rules/template.js';
import { metaOf, personal } from '../../helpers/mail/mail.js';

const VALUES: TemplateValues = {
  from: 'Carol <carol@partner.example>',
  fromName: 'Carol',
  fromAddress: 'carol@partner.example',
  subject: 'Lunch',
  date: 'Thu, 26 Nov 2026 10:00:00 GMT',
  until: '2026-12-31',
};

describe('templateProblems', () => {
  it('accepts every known placeholder, with or without spaces', () => {
    expect(
      templateProblems('{{from}} {{ fromName }} {{fromAddress}} {{subject}} {{date}} {{until}}'),
    ).toEqual([]);
  });

  it('names an unknown placeholder and lists the known ones', () => {
    expect(templateProblems('Hi {{name}}')).toEqual([
      'unknown placeholder {{name}}; known: {{from}}, {{fromName}}, {{fromAddress}}, {{subject}}, {{date}}, {{until}}',
    ]);
  });

  it('does not treat an inherited property as a placeholder', () => {
    expect(templateProblems('{{constructor}} {{__proto__}}')).toHaveLength(2);
  });
});

describe('rendering', () => {
  it('fills the subject and keeps it on one line', () => {
    expect(renderSubject('Re: {{subject}} ({{fromName}})', VALUES, 'x')).toBe('Re: Lunch (Carol)');
  });

  it("keeps the owner's line breaks in a body and normalizes them to LF", () => {
    expect(renderBody('Hi {{fromName}},\r\nback on {{until}}.\n', VALUES)).toBe(
      'Hi Carol,\nback on 2026-12-31.\n',
    );
  });

  it.each([
    ['CR LF', 'a\r\nBcc: x@evil.example', 'a Bcc: x@evil.example'],
    ['bare CR', 'a\rb', 'a b'],
    ['NUL', 'a\u0000b', 'a b'],
    ['C1 control NEL', 'a\u0085b', 'a b'],
    ['line separator', 'a\u2028b', 'a b'],
    ['bidi override', 'a\u202eevil', 'a evil'],
    ['runs of whitespace', '  a \t\t b  ', 'a b'],
  ])('flattens %s in a value', (_, value, expected) => {
    expect(singleLine(value, 200)).toBe(expected);
  });

  it('cuts a long value with an ellipsis', () => {
    expect(singleLine('x'.repeat(300), 200)).toBe(`${'x'.repeat(199)}…`);
  });

  it('cuts substituted values in a body to 200 characters', () => {
    const body = renderBody('{{subject}}', { ...VALUES, subject: 'y'.repeat(1000) });

    expect(body).toHaveLength(200);
  });
});

describe('templateValues', () => {
  it('takes the values from the message and the vacation end', () => {
    expect(templateValues(metaOf(personal()), '2026-12-31T00:00:00.000Z')).toEqual({
      from: 'Carol <carol@partner.example>',
      fromName: 'Carol',
      fromAddress: 'carol@partner.example',
      subject: 'Lunch on Friday?',
      date: 'Thu, 26 Nov 2026 10:00:00 GMT',
      until: '2026-12-31',
    });
  });

  it('falls back to the address when there is no name, and to empty text when nothing is known', () => {
    expect(templateValues(metaOf(['From: carol@partner.example']), null)).toMatchObject({
      from: 'carol@partner.example',
      fromName: 'carol@partner.example',
      date: '',
      until: '',
    });
  });
});
