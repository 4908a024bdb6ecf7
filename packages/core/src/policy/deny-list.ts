/**
 * The deny list: tokens revoked before they expire — by `jti`, by subject or by client — refused
 * on every request, cache hits included, on every instance that shares the store. An operator's
 * script revokes through the same store (`createDenyList`). The list fails closed: a store that
 * cannot answer refuses the request (503), never lets a possibly revoked token through.
 */
import { TokenGateError } from '../errors/error.js';
import type { DenyListOptions, Revocation, RevocationOptions } from '../options/state-types.js';
import { platform } from '../platform/current.js';
import { storeCall } from '../store/bounded.js';
import type { AccessToken, Clock } from '../token/types.js';

/** A deny list on a store. */
export interface DenyList {
  /** Revoke until `options.until`; resolves once the store holds it. */
  revoke(revocation: Revocation, options: RevocationOptions): Promise<void>;
  /** The token, unless it was revoked. @throws TokenGateError `invalid_token`; `temporarily_unavailable` when the store cannot tell. */
  check(token: AccessToken): Promise<AccessToken>;
}

const KINDS = ['jti', 'sub', 'clientId'] as const;

function keyOf(prefix: string, kind: (typeof KINDS)[number], value: string): string {
  return `${prefix}${kind}:${platform.sha256(value)}`;
}

function untilSeconds(options: RevocationOptions): number {
  const until = options?.until;
  const seconds = until instanceof Date ? until.getTime() / 1000 : until;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new TypeError('revoke() needs { until }: a Date, or seconds since the epoch');
  return seconds;
}

function entriesOf(revocation: Revocation): Array<[(typeof KINDS)[number], string]> {
  if (revocation === null || typeof revocation !== 'object') throw new TypeError('revoke() needs { jti }, { sub } or { clientId }');
  const entries = KINDS.flatMap((kind) => {
    const value = revocation[kind];
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new TypeError(`revoke(): "${kind}" must be a non-empty string`);
    return value === undefined ? [] : [[kind, value] as [(typeof KINDS)[number], string]];
  });
  if (entries.length === 0) throw new TypeError('revoke() needs { jti }, { sub } or { clientId }');
  return entries;
}

/**
 * A deny list on `options.store` (also for an operator's script: revoke here, every API instance refuses).
 * @example await createDenyList({ store: redisStore(client) }).revoke({ sub: 'alice' }, { until: new Date(Date.now() + 3_600_000) });
 */
export function createDenyList(options: DenyListOptions, clock: Clock = Date.now): DenyList {
  const { store } = options;
  const prefix = options.prefix ?? 'tokengate:deny:';
  return {
    async revoke(revocation, revokeOptions) {
      const entries = entriesOf(revocation);
      const until = untilSeconds(revokeOptions);
      const ttl = until - clock() / 1000;
      if (ttl <= 0) return;
      await Promise.all(entries.map(([kind, value]) => storeCall(store, store.set(keyOf(prefix, kind, value), String(until), ttl))));
    },
    async check(token) {
      const values: Array<[(typeof KINDS)[number], string | undefined]> = [['jti', typeof token.claims.jti === 'string' ? token.claims.jti : undefined], ['sub', token.subject], ['clientId', token.clientId]];
      const present = values.filter((entry): entry is [(typeof KINDS)[number], string] => entry[1] !== undefined);
      let answers: Array<string | undefined>;
      try {
        answers = await Promise.all(present.map(([kind, value]) => storeCall(store, store.get(keyOf(prefix, kind, value)))));
      } catch (cause) {
        throw new TokenGateError('temporarily_unavailable', 'The deny list is unavailable; try again shortly', { cause, retryAfter: 1 });
      }
      const now = clock() / 1000;
      const hit = answers.findIndex((until) => until !== undefined && !(Number(until) <= now));
      if (hit >= 0) throw new TokenGateError('invalid_token', `The access token has been revoked (by ${(present[hit] as [string, string])[0]})`);
      return token;
    },
  };
}
