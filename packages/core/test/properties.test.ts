import fc from 'fast-check';
import { extractToken } from '../src/request/extract.js';
import { formatChallenge } from '../src/errors/challenge.js';
import { ERROR_CODES, hasAllScopes, parseScopes, TokenGateError, type TokenGateErrorCode } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

const CODES = Object.keys(ERROR_CODES) as TokenGateErrorCode[];
// RFC 9110 §5.6.4 quoted-string over printable ASCII, RFC 6750 §3 challenge of auth-params.
const QUOTED = String.raw`"(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*"`;
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const CHALLENGE = new RegExp(`^Bearer(?: ${TOKEN}=${QUOTED}(?:, ${TOKEN}=${QUOTED})*)?$`);

// Any code points, mixed with the characters that break headers and quoted strings.
const nasty = fc.string({ unit: fc.constantFrom('"', '\\', '\r', '\n', '\0', '\t', ',', '=', ' ', 'a', 'é', '\u2028', '\uD83D'), maxLength: 40 });
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), nasty);

describe('properties', () => {
  it('header extraction never throws anything but a TokenGateError, for any header value', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.array(anyText, { maxLength: 3 })), fc.constantFrom('authorization', 'Authorization', 'AUTHORIZATION'), (value, name) => {
        try {
          const token = extractToken({ headers: { [name]: value } }, { methods: ['header'], maxTokenLength: 100 });
          expect(token.length).toBeGreaterThan(0);
          expect(token.length).toBeLessThanOrEqual(100);
        } catch (error) {
          expect(error).toBeInstanceOf(TokenGateError);
          expect([400, 401]).toContain((error as TokenGateError).status);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a "Bearer " header with a b64token always yields exactly that token', () => {
    const b64token = fc.stringMatching(/^[A-Za-z0-9\-._~+/]+=*$/).filter((value) => value.length <= 100);
    fc.assert(
      fc.property(b64token, fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr'), (token, scheme) => {
        expect(extractToken({ headers: { authorization: `${scheme} ${token}` } }, { methods: ['header'], maxTokenLength: 100 })).toBe(token);
      }),
    );
  });

  it('every error renders valid problem JSON whose status equals the HTTP status', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CODES), anyText, fc.array(anyText, { maxLength: 4 }), (code, description, scopes) => {
        const error = new TokenGateError(code, description, { requiredScopes: scopes });
        const problem = JSON.parse(JSON.stringify(error.toProblem())) as Record<string, unknown>;
        expect(problem.status).toBe(error.status);
        expect(problem.status).toBe(ERROR_CODES[code].status);
        expect(typeof problem.type).toBe('string');
        expect(typeof problem.title).toBe('string');
        expect(problem.detail).toBe(description);
        expect(problem.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
        if (problem.error !== undefined) expect(problem.error).toBe(code);
      }),
      { numRuns: 500 },
    );
  });

  it('every WWW-Authenticate value is a valid challenge, whatever goes in (quotes, backslashes, CR/LF)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CODES), anyText, fc.array(anyText, { maxLength: 4 }), anyText, (code, description, scopes, realm) => {
        const error = new TokenGateError(code, description, { requiredScopes: scopes }).presentedAs({ realm, problemTypeBase: 'https://x/' });
        const challenge = error.headers()['WWW-Authenticate'];
        if (challenge === undefined) {
          expect([429, 500, 503]).toContain(error.status);
          return;
        }
        expect(challenge).toMatch(CHALLENGE);
        expect(challenge).not.toMatch(/[\r\n\0]/);
        if (ERROR_CODES[code].oauth) expect(challenge).toContain(`error="${code}"`);
        else expect(challenge).not.toContain('error=');
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(anyText, anyText, (errorDescription, scope) => {
        expect(formatChallenge({ realm: 'api', error: 'invalid_token', errorDescription, scope: [scope] })).toMatch(CHALLENGE);
      }),
    );
  });

  it('scope parsing is order- and whitespace-insensitive', () => {
    const scope = fc.stringMatching(/^[\x21\x23-\x5b\x5d-\x7e]+$/).filter((value) => value.length <= 30);
    const blank = fc.stringMatching(/^[ \t\n\r]+$/).filter((value) => value.length <= 4);
    fc.assert(
      fc.property(fc.uniqueArray(scope, { minLength: 1, maxLength: 8 }), fc.array(blank, { minLength: 10, maxLength: 10 }), fc.boolean(), (scopes, gaps, reversed) => {
        const ordered = reversed ? [...scopes].reverse() : scopes;
        const text = gaps[0] + ordered.map((item, index) => item + (gaps[(index + 1) % gaps.length] ?? ' ')).join('');
        const parsed = parseScopes({ scope: text });
        expect([...parsed].sort()).toEqual([...scopes].sort());
        expect(hasAllScopes(parsed, scopes)).toBe(true);
        expect(parseScopes({ scp: ordered }).length).toBe(scopes.length);
      }),
    );
  });
});
