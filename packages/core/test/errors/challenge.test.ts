import { describe, expect, it } from 'vitest';
import { formatChallenge, quote, type ChallengeParameters } from '../../src/errors/challenge.js';

describe('formatChallenge (RFC 6750 section 3)', () => {
  const CASES: ReadonlyArray<readonly [string, ChallengeParameters, string]> = [
    ['a bare scheme with no parameters', {}, 'Bearer'],
    ['only the realm when no credentials were sent', { realm: 'api' }, 'Bearer realm="api"'],
    [
      'the error and its description',
      { realm: 'api', error: 'invalid_token', errorDescription: 'The access token expired' },
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    ],
    ['the error alone when the description is empty', { realm: 'api', error: 'invalid_token', errorDescription: '' }, 'Bearer realm="api", error="invalid_token"'],
    ['no description without an error', { realm: 'api', errorDescription: 'orphan' }, 'Bearer realm="api"'],
    [
      'the scope as one space-separated quoted list',
      { realm: 'api', error: 'insufficient_scope', errorDescription: 'Need more', scope: ['read:a', 'write:a'] },
      'Bearer realm="api", error="insufficient_scope", error_description="Need more", scope="read:a write:a"',
    ],
    ['no scope parameter for an empty scope list', { realm: 'api', error: 'insufficient_scope', scope: [] }, 'Bearer realm="api", error="insufficient_scope"'],
    ['an error without a realm', { error: 'invalid_request' }, 'Bearer error="invalid_request"'],
  ];

  for (const [name, parameters, expected] of CASES) {
    it(`renders ${name}`, () => {
      expect(formatChallenge(parameters)).toBe(expected);
    });
  }
});

describe('quote', () => {
  const CASES: ReadonlyArray<readonly [string, string, string]> = [
    ['plain text', 'hello world', '"hello world"'],
    ['an empty string', '', '""'],
    ['a double quote', 'say "hi"', '"say \\"hi\\""'],
    ['a backslash', 'a\\b', '"a\\\\b"'],
    // A backslash escaped after the quote would turn `\"` into `\\\"`, reopening the string.
    ['a backslash before a quote, escaping the backslash first', '\\"', '"\\\\\\""'],
    ['a trailing backslash that must not escape the closing quote', 'end\\', '"end\\\\"'],
    ['CR and LF as spaces', 'a\r\nb', '"a  b"'],
    ['NUL and other controls as spaces', 'a\u0000b\u001fc\u007fd\tz', '"a b c d z"'],
    // One space per UTF-16 code unit, so the astral emoji becomes two.
    ['non-ASCII as spaces', 'caf\u00e9 \u2028 \ud83d\ude00', '"caf      "'],
  ];

  for (const [name, input, expected] of CASES) {
    it(`renders ${name}`, () => {
      expect(quote(input)).toBe(expected);
    });
  }

  it('never lets a value break out of the quoted-string or the header', () => {
    const hostile = '"\\\r\nWWW-Authenticate: Basic\u0085\u2028"';
    const quoted = quote(hostile);
    expect(quoted).not.toMatch(/[\r\n\u0085\u2028]/);
    expect(quoted).toMatch(/^"[\x20-\x7e]*"$/);
    // Every quote inside the value is preceded by an odd number of backslashes.
    const inner = quoted.slice(1, -1);
    for (let at = inner.indexOf('"'); at >= 0; at = inner.indexOf('"', at + 1)) {
      let slashes = 0;
      while (inner[at - 1 - slashes] === '\\') slashes += 1;
      expect(slashes % 2).toBe(1);
    }
  });

  it('escapes the realm and scope too', () => {
    expect(formatChallenge({ realm: 'my "api"', scope: ['a\\b'] })).toBe('Bearer realm="my \\"api\\"", scope="a\\\\b"');
  });
});
