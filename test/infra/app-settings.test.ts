import { describe, expect, it } from 'vitest';
import { appSettings } from '../../infra/app-settings.js';

const settings = (context: Record<string, unknown>) => appSettings((key) => context[key]);

describe('appSettings', () => {
  it('reads the config list from cdk.json, with defaults for the rest', () => {
    // Act
    const result = settings({ 'popfwd:configs': ['popfwd.config.yaml'] });

    // Assess
    expect(result).toEqual({
      stackName: 'Popfwd',
      mailboxes: [{ file: 'popfwd.config.yaml', pollEveryMs: undefined }],
      alarmEmail: undefined,
      existingBuckets: [],
      archiveRawMailAfterDays: undefined,
      archiveStorageClass: 'GLACIER_IR',
      dashboard: true,
    });
  });

  it('reads comma-separated lists and numbers given as text with -c', () => {
    // Act
    const result = settings({
      'popfwd:configs': 'alice.yaml, bob.yaml',
      'popfwd:existingBuckets': 'popfwd-archive-example',
      'popfwd:archiveRawMailAfterDays': '90',
    });

    // Assess
    expect(result.mailboxes.map((entry) => entry.file)).toEqual(['alice.yaml', 'bob.yaml']);
    expect(result.existingBuckets).toEqual(['popfwd-archive-example']);
    expect(result.archiveRawMailAfterDays).toBe(90);
  });

  it('reads the dashboard switch as a boolean or as text', () => {
    // Act
    const text = settings({ 'popfwd:configs': ['a.yaml'], 'popfwd:dashboard': 'false' });
    const bool = settings({ 'popfwd:configs': ['a.yaml'], 'popfwd:dashboard': false });
    const bad = () => settings({ 'popfwd:configs': ['a.yaml'], 'popfwd:dashboard': 'no' });

    // Assess
    expect(text.dashboard).toBe(false);
    expect(bool.dashboard).toBe(false);
    expect(bad).toThrow(/popfwd:dashboard: expected true or false/);
  });

  it('reads a per-mailbox poll interval', () => {
    // Act
    const result = settings({ 'popfwd:configs': [{ file: 'alice.yaml', every: '15m' }] });

    // Assess
    expect(result.mailboxes).toEqual([{ file: 'alice.yaml', pollEveryMs: 900_000 }]);
  });

  it('fails naming the context key when no config is listed', () => {
    // Act
    const read = () => settings({});

    // Assess
    expect(read).toThrow(/popfwd:configs:/);
  });

  it('fails naming the context key of a bad value', () => {
    // Act
    const read = () =>
      settings({ 'popfwd:configs': ['a.yaml'], 'popfwd:archiveStorageClass': 'TAPE' });

    // Assess
    expect(read).toThrow(
      /popfwd:archiveStorageClass: expected one of GLACIER_IR, GLACIER, DEEP_ARCHIVE/,
    );
  });
});
