import { describe, expect, it } from 'vitest';
import { newAccessToken, pathAfterToken } from '../../../../lambda/archive/serve/access-token.js';
import {
  allowedHost,
  assertLoopbackHost,
  isLoopbackAddress,
} from '../../../../lambda/archive/serve/loopback.js';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    'accepts %s',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost', ''])(
    'refuses %j',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );

  it('explains the refusal and the way to read the archive from elsewhere', () => {
    expect(() => assertLoopbackHost('0.0.0.0')).toThrow(/loopback only.*ssh -L/s);
  });
});

describe('allowedHost', () => {
  it.each([
    ['127.0.0.1:8025', true],
    ['localhost:8025', true],
    ['LOCALHOST:8025', true],
    ['127.0.0.1:8026', false],
    ['127.0.0.1', false],
    ['attacker.example:8025', false],
    ['127.0.0.1.nip.io:8025', false],
    [undefined, false],
  ] as const)('Host %j for 127.0.0.1:8025: %s', (header, expected) => {
    expect(allowedHost(header, '127.0.0.1', 8025)).toBe(expected);
  });

  it('writes an IPv6 host in brackets', () => {
    expect(allowedHost('[::1]:8025', '::1', 8025)).toBe(true);
  });
});

describe('the access token', () => {
  it('is 256 random bits in base64url, new every time', () => {
    // Act
    const tokens = new Set(Array.from({ length: 100 }, newAccessToken));
    // Assess
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['/T0KEN/api/info', '/api/info'],
    ['/T0KEN/', '/'],
    ['/T0KEN', ''],
    ['/', null],
    ['/T0KE/api', null],
    ['/T0KENX/api', null],
    ['/t0ken/api', null],
    ['//T0KEN/api', null],
    ['/api/T0KEN/', null],
  ])('reads %j as %j', (path, expected) => {
    expect(pathAfterToken(path, 'T0KEN')).toBe(expected);
  });
});
