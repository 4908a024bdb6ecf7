/**
 * Benchmark tokens: realistic access tokens of about 1.4 kB carrying 16 claims, minted by a local
 * `@tokengate/testing` issuer (whose JWKS the remote-JWKS verifiers fetch over real HTTP).
 */
import { createTestIssuer, type SigningAlgorithm, type TestIssuer } from '@tokengate/testing';

/** The `aud` of every benchmark token. */
export const AUDIENCE = 'https://api.tokengate.bench';
/** Target length of one token, in characters. */
export const TARGET_TOKEN_LENGTH = 1400;
/** Tokens stay valid this long (seconds), well beyond the longest run. */
export const TOKEN_LIFETIME = 4 * 3600;

const SCOPES = ['openid', 'profile', 'email', 'offline_access', 'read:messages', 'write:messages', 'read:files', 'write:files'];
const ROLES = ['admin', 'editor', 'billing-viewer', 'support-agent'];
const PERMISSION_POOL = [
  'read:messages', 'write:messages', 'delete:messages', 'read:files', 'write:files', 'share:files', 'read:invoices',
  'read:reports', 'export:reports', 'read:users', 'invite:users', 'manage:webhooks', 'read:audit-log', 'manage:tokens',
  'read:projects', 'write:projects', 'archive:projects', 'read:billing', 'write:billing', 'read:settings', 'write:settings',
  'read:teams', 'write:teams', 'read:integrations', 'write:integrations', 'read:metrics', 'read:alerts', 'write:alerts',
];

/** Fixed-width identity of token `index`, so every token of a run has the same length. */
export function identity(index: number, salt: string): { sub: string; jti: string; sid: string } {
  const n = index.toString(36).padStart(8, '0');
  return { sub: `auth0|user-${n}`, jti: `${salt}-${n}-${'j'.repeat(8)}`, sid: `sid-${salt}-${n}` };
}

/** The claims besides iss, aud, iat, exp, jti, sub and client_id (which the issuer adds). */
export function extraClaims(index: number, salt: string, permissions: number, now: number): Record<string, unknown> {
  const { sid } = identity(index, salt);
  const perms: string[] = [];
  for (let i = 0; i < permissions; i += 1) perms.push(PERMISSION_POOL[i % PERMISSION_POOL.length] as string);
  return {
    azp: 'bench-web-app',
    auth_time: now - 120,
    sid,
    name: 'Ada Lovelace-Byron',
    email: 'ada.lovelace@example-corp.test',
    org_id: 'org_7Hc2kQm9XbLp',
    roles: ROLES,
    permissions: perms,
  };
}

/** Everything needed to mint benchmark tokens for one algorithm. */
export interface TokenFactory {
  readonly issuer: TestIssuer;
  readonly algorithm: SigningAlgorithm;
  /** Number of `permissions` entries that brings a token to about `TARGET_TOKEN_LENGTH`. */
  readonly permissions: number;
  /** Mint token `index`; tokens with different `index` or `salt` are distinct. `extra` claims are added (the DPoP row's `cnf`). */
  mint(index: number, salt: string, extra?: Readonly<Record<string, unknown>>): Promise<string>;
  /** Mint `count` distinct tokens, a few hundred signatures in flight at a time. */
  mintMany(count: number, salt: string): Promise<string[]>;
}

/** Start a local issuer and size the claims so tokens come out at about 1.4 kB. */
export async function createTokenFactory(algorithm: SigningAlgorithm): Promise<TokenFactory> {
  const issuer = await createTestIssuer({ algorithm, audience: AUDIENCE, tokenLifetime: TOKEN_LIFETIME });
  const now = Math.floor(Date.now() / 1000);
  const mintWith = (index: number, salt: string, permissions: number, extra?: Readonly<Record<string, unknown>>): Promise<string> => {
    const { sub, jti } = identity(index, salt);
    return issuer.mintUserToken({
      sub,
      clientId: 'bench-web-app',
      jti,
      scopes: SCOPES,
      claims: { ...extraClaims(index, salt, permissions, now), ...extra },
    });
  };
  // Grow the permissions array until the token reaches the target length.
  let permissions = 0;
  while ((await mintWith(0, 'size', permissions)).length < TARGET_TOKEN_LENGTH && permissions < 200) permissions += 1;
  const mint = (index: number, salt: string, extra?: Readonly<Record<string, unknown>>) => mintWith(index, salt, permissions, extra);
  async function mintMany(count: number, salt: string): Promise<string[]> {
    const tokens: string[] = new Array<string>(count);
    const inFlight = 256;
    for (let start = 0; start < count; start += inFlight) {
      const end = Math.min(count, start + inFlight);
      const batch: Promise<string>[] = [];
      for (let i = start; i < end; i += 1) batch.push(mint(i, salt));
      const minted = await Promise.all(batch);
      for (let i = start; i < end; i += 1) tokens[i] = minted[i - start] as string;
    }
    return tokens;
  }
  return { issuer, algorithm, permissions, mint, mintMany };
}

/** Decoded payload of a compact JWS, unverified (for reporting only). */
export function peekPayload(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
