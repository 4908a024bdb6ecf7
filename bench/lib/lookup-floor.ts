/**
 * The least a correct verified-token cache does per request, as a diagnostic HTTP row: no
 * signature, no claim checks, no options — a token's payload is decoded the first time it is
 * seen and trusted from then on (never do this outside a benchmark). Each request still pays
 * what any correct cache must: find the entry (a 32-bit fingerprint of the token's tail keys a
 * Map), compare the whole token text with the entry's, check `exp` against the clock, and
 * hand the handler an object it reads. With a pool of tokens those entries are not in the CPU's
 * caches, which is what this row measures next to the bare server.
 */

/** What the handler reads. */
export interface LookupAuth {
  readonly subject: string;
  readonly scopes: readonly string[];
}

interface Known {
  readonly text: string;
  readonly exp: number;
  readonly auth: LookupAuth;
}

/**
 * The key core's verified-token cache uses (packages/core/src/token/token-cache.ts), repeated here on
 * purpose: the diagnostic must not reach into core's internals, which the packages do not export.
 */
function fingerprint(token: string): number {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, token.length - 16); i < token.length; i += 1) hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  return hash | 0;
}

function decode(token: string): Known {
  const payload = token.split('.')[1] ?? '';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: string; exp?: number; scope?: string };
  return { text: token, exp: claims.exp ?? 0, auth: { subject: claims.sub ?? '', scopes: (claims.scope ?? '').split(' ') } };
}

/**
 * A lookup function over its own unbounded Map: the `Authorization` header in, the auth out.
 * `scheme`: the HTTP rows send Bearer tokens; the DPoP micro row (micro-dpop.ts) sends `DPoP <token>`.
 */
export function createLookupFloor(scheme: 'Bearer' | 'DPoP' = 'Bearer'): (authorization: string | undefined) => LookupAuth | undefined {
  const known = new Map<number, Known>();
  const prefix = `${scheme} `;
  return (authorization) => {
    if (authorization === undefined || !authorization.startsWith(prefix)) return undefined;
    const token = authorization.slice(prefix.length);
    const key = fingerprint(token);
    let entry = known.get(key);
    if (entry === undefined || entry.text !== token) {
      entry = decode(token);
      known.set(key, entry);
    }
    return entry.exp > Date.now() / 1000 ? entry.auth : undefined;
  };
}
