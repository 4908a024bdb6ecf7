/**
 * The opaque path: the answer cache, then the source (introspection or `resolveToken`) with one
 * request per token in flight and a bound on different tokens in flight, then the answer rules
 * and the same `AccessToken` a JWT gives. The answer's binding (`cnf`, `token_type: DPoP`) is
 * cached with it and checked on every request (binding/check-binding.ts), never the proof.
 */
import { TokenGateError } from '../errors/error.js';
import type { VerifyToken } from '../jwt/verify-jwt.js';
import type { KeyStore } from '../keys/key-store.js';
import type { ResolvedOptions } from '../options/resolved.js';
import type { TokenResolver } from '../options/types.js';
import { createAccessToken, NO_HEADER } from '../token/access-token.js';
import { recordVerification } from '../token/verification-context.js';
import type { AccessToken, Claims } from '../token/types.js';
import { answerScope, createAnswerCache, tokenDigest, type AnswerCache, type OpaqueOutcome } from './answer-cache.js';
import { answerPolicy, checkAnswer, type AnswerPolicy } from './answer-rules.js';
import { answerStores, type AnswerStores } from './answer-stores.js';
import type { ClaimsSource } from './answer.js';
import { unavailable } from './failures.js';
import { introspectionSource } from './introspection-client.js';
import { resolverSource } from './resolver-source.js';
import { createSingleFlight, type SingleFlight } from './single-flight.js';

/** Verifies opaque tokens. */
export interface OpaqueVerifier {
  readonly verify: VerifyToken;
  /** Answers held when the cache is in this process; `undefined` for a store of the application's. */
  size(): number | undefined;
}

const NOT_ACTIVE = 'The access token is not active';

class OpaqueTokens {
  readonly #options: ResolvedOptions;
  readonly #source: ClaimsSource;
  readonly #cache: AnswerCache;
  readonly #flights: SingleFlight<OpaqueOutcome>;
  readonly #policy: AnswerPolicy;

  constructor(options: ResolvedOptions, keys: KeyStore, stores: AnswerStores) {
    const { introspection, opaqueCache } = options;
    this.#options = options;
    this.#source = introspection ? introspectionSource(introspection, options, keys) : resolverSource(options.resolveToken as TokenResolver);
    const enabled = opaqueCache.maxEntries > 0 && opaqueCache.maxBytes > 0;
    this.#cache = createAnswerCache({
      ...stores,
      maxAge: enabled ? opaqueCache.maxAge : 0,
      inactiveMaxAge: enabled ? opaqueCache.inactiveMaxAge : 0,
      // Every issuer with its own audiences and preset: two APIs sharing a store differ in one of them.
      scope: answerScope(options.issuerTable.all.map(({ issuer, audiences, preset }) => [issuer, audiences, preset?.name]), introspection?.endpoint, introspection?.clientId, options.scopeClaims, options.clockTolerance),
      clock: options.clock,
    });
    this.#flights = createSingleFlight<OpaqueOutcome>(introspection?.maxConcurrentRequests ?? 64);
    this.#policy = answerPolicy(options);
  }

  async verify(token: string): Promise<AccessToken> {
    const digest = tokenDigest(token);
    let outcome: OpaqueOutcome;
    try {
      outcome = await this.#flights.run(digest, () => this.#load(token, digest));
    } catch (error) {
      // Concurrent callers share one lookup: each gets its own copy (its own `instance`).
      if (error instanceof TokenGateError) throw error.copy();
      // Too many different tokens under way: answer now rather than queue behind the server.
      throw this.#flights.overloaded(error) ? unavailable(error, 1) : error;
    }
    if (outcome.refused !== undefined) throw new TokenGateError('invalid_token', outcome.refused);
    return this.#accept(token, outcome.claims);
  }

  #accept(token: string, claims: Claims): AccessToken {
    const { clock, scopeClaims } = this.#options;
    const { issuer, settings } = checkAnswer(claims, this.#policy, clock() / 1000);
    const { classify, preset } = settings;
    return recordVerification(createAccessToken({ token, format: 'opaque', claims, header: NO_HEADER, issuer, scopeClaims, classify, preset }), this.#options);
  }

  async #load(token: string, digest: string): Promise<OpaqueOutcome> {
    const cached = await this.#cache.get(digest);
    if (cached !== undefined) return cached;
    const outcome = await this.#ask(token);
    // Stored on the side: the request has its answer and does not wait for the store.
    void this.#cache.set(digest, outcome);
    return outcome;
  }

  /** The source's answer, checked by this API's rules. */
  async #ask(token: string): Promise<OpaqueOutcome> {
    const answer = await this.#source(token);
    if (answer.claims === null) return { refused: answer.refusal ?? NOT_ACTIVE };
    try {
      checkAnswer(answer.claims, this.#policy, this.#options.clock() / 1000);
    } catch (error) {
      if (!(error instanceof TokenGateError) || error.code !== 'invalid_token') throw error;
      return { refused: error.description };
    }
    return { claims: answer.claims };
  }
}

/**
 * Create the opaque path of a verifier.
 * @example const opaque = createOpaqueVerifier(options, keyStore); await opaque.verify(token);
 */
export function createOpaqueVerifier(options: ResolvedOptions, keys: KeyStore): OpaqueVerifier {
  const stores = answerStores(options);
  const tokens = new OpaqueTokens(options, keys, stores);
  return { verify: (token) => tokens.verify(token), size: stores.size };
}
