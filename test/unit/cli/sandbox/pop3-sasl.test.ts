import { describe, expect, it } from 'vitest';
import {
  decodeSaslResponse,
  parsePlain,
  parseXoauth2,
  xoauth2FailureChallenge,
} from '../../../../lambda/cli/sandbox/pop3-sasl.js';
import { maskCommand, maskSaslResponse } from '../../../../lambda/cli/sandbox/pop3-transcript.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('decodeSaslResponse', () => {
  it('decodes strict base64 and "=" as the empty response', () => {
    expect(decodeSaslResponse(b64('abc'))?.toString()).toBe('abc');
    expect(decodeSaslResponse('=')).toEqual(Buffer.alloc(0));
  });

  it('refuses anything that is not padded base64', () => {
    expect(decodeSaslResponse('')).toBeNull();
    expect(decodeSaslResponse('abc')).toBeNull();
    expect(decodeSaslResponse('ab!d')).toBeNull();
  });
});

describe('parsePlain', () => {
  it('reads authcid and password, with an empty or identical authzid', () => {
    expect(parsePlain(Buffer.from('\0alice\0pw with spaces'))).toEqual({
      mechanism: 'PLAIN',
      user: 'alice',
      password: 'pw with spaces',
    });
    expect(parsePlain(Buffer.from('alice\0alice\0pw'))?.user).toBe('alice');
  });

  it('rejects another authzid (no proxy login) and malformed payloads', () => {
    expect(parsePlain(Buffer.from('bob\0alice\0pw'))).toBeNull();
    expect(parsePlain(Buffer.from('alice\0pw'))).toBeNull();
    expect(parsePlain(Buffer.from('\0\0pw'))).toBeNull();
  });
});

describe('parseXoauth2', () => {
  it('reads the user and the bearer token', () => {
    expect(parseXoauth2(Buffer.from('user=a@example.test\x01auth=Bearer tok.en\x01\x01'))).toEqual({
      mechanism: 'XOAUTH2',
      user: 'a@example.test',
      accessToken: 'tok.en',
    });
  });

  it('rejects a payload without the final ^A^A or without a bearer token', () => {
    expect(parseXoauth2(Buffer.from('user=a\x01auth=Bearer t\x01'))).toBeNull();
    expect(parseXoauth2(Buffer.from('user=a\x01auth=Basic t\x01\x01'))).toBeNull();
  });
});

describe('xoauth2FailureChallenge', () => {
  it('is base64 JSON with status 401 like Outlook', () => {
    expect(JSON.parse(Buffer.from(xoauth2FailureChallenge(), 'base64').toString())).toMatchObject({
      status: '401',
    });
  });
});

describe('transcript masking', () => {
  it('masks the PASS argument and an AUTH initial response, keeps the rest', () => {
    expect(maskCommand('PASS secret words')).toBe('PASS ****');
    expect(maskCommand('pass x')).toBe('pass ****');
    expect(maskCommand('AUTH PLAIN AGFsaWNlAHB3')).toBe('AUTH PLAIN ****');
    expect(maskCommand('AUTH XOAUTH2')).toBe('AUTH XOAUTH2');
    expect(maskCommand('USER alice@example.test')).toBe('USER alice@example.test');
  });

  it('masks SASL responses except the empty line and the "*" cancel', () => {
    expect(maskSaslResponse('dXNlcj1h')).toBe('****');
    expect(maskSaslResponse('')).toBe('');
    expect(maskSaslResponse('*')).toBe('*');
  });
});
