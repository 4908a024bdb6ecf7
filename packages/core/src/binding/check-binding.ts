/**
 * The binding rule, on every request, cache hits included: a token is used only the way it was
 * issued. A DPoP-bound token comes with the DPoP scheme and a fresh proof by its key (RFC 9449
 * §7); a certificate-bound one over a connection with its certificate (RFC 8705 §3); an unbound
 * token with the Bearer scheme (unless DPoP is required). A token bound in a way this verifier
 * does not check is refused: accepting it as a bearer token would undo the binding (§7.2).
 */
import { TokenGateError } from '../errors/error.js';
import type { ResolvedMtls } from '../options/binding.js';
import type { ResolvedOptions } from '../options/resolved.js';
import type { PublicOriginSettings, RequestContext } from '../request/context.js';
import type { ChallengeScheme } from '../errors/challenge.js';
import { platform } from '../platform/current.js';
import { isBound, isDpopTokenType } from '../token/confirmation.js';
import type { AccessToken } from '../token/types.js';
import { requestHtu } from './htu.js';
import { createNonces } from './nonce.js';
import { checkProof, type ProofRules } from './proof.js';
import { createProofHeaders } from './proof-header.js';

/** Proof headers (and their imported keys) kept per verifier: clients, each with its own key, in use at once. */
const MAX_PROOF_HEADERS = 1_000;
import { rememberProof } from './replay.js';

/** How the token was presented: its scheme and, for DPoP, the proof header. */
export interface Presentation {
  readonly scheme: ChallengeScheme;
  readonly proof?: string | undefined;
}

/** The Bearer scheme without a request (`verify(token)`). */
export const BEARER: Presentation = Object.freeze({ scheme: 'Bearer' });

/** The binding check of a verifier: the token, or a rejection. */
export type BindingCheck = (token: AccessToken, presented: Presentation, request: RequestContext | undefined) => AccessToken | Promise<AccessToken>;

function invalidToken(description: string): TokenGateError {
  return new TokenGateError('invalid_token', description);
}

function dpopBound(token: AccessToken): boolean {
  return token.confirmation?.jkt !== undefined || (token.format === 'opaque' && isDpopTokenType(token.claims));
}

/** RFC 8705 §3: the certificate of this connection must be the one the token names. */
function checkCertificate(token: AccessToken, request: RequestContext | undefined, mtls: ResolvedMtls | undefined): void {
  const expected = token.confirmation?.x5tS256;
  if (expected === undefined) return;
  if (mtls === undefined) throw invalidToken('The access token is bound to a client certificate (cnf x5t#S256), which this API does not check');
  const actual = platform.certificates?.certificateThumbprint(request, mtls);
  if (actual === undefined) throw invalidToken('The access token is bound to a client certificate, and the request came without one');
  if (actual !== expected) throw invalidToken('The access token is bound to another client certificate');
}

/** `ath` of each verified token, computed once: the cache hands the same AccessToken to every request. */
function createAthOf(): (token: AccessToken) => string {
  const hashes = new WeakMap<AccessToken, string>();
  return function athOf(token) {
    let ath = hashes.get(token);
    if (ath === undefined) {
      ath = platform.sha256(token.token);
      hashes.set(token, ath);
    }
    return ath;
  };
}

/**
 * The binding check for `options`.
 * @example const checkBinding = createBindingCheck(options); await checkBinding(token, { scheme: 'DPoP', proof }, context);
 */
export function createBindingCheck(options: ResolvedOptions): BindingCheck {
  const { dpop, mtls, clock } = options;
  const rules: ProofRules | undefined = dpop && {
    proofMaxAge: dpop.proofMaxAge,
    clockTolerance: dpop.clockTolerance,
    nonces: dpop.nonce && createNonces(dpop.nonce, clock),
    headers: createProofHeaders(new Set(dpop.algorithms), MAX_PROOF_HEADERS),
  };
  const athOf = createAthOf();
  const origin: PublicOriginSettings = { publicOrigin: options.publicOrigin, trustProxy: options.trustProxy };

  async function checkDpop(token: AccessToken, proof: string, request: RequestContext | undefined): Promise<AccessToken> {
    const url = request === undefined ? undefined : requestHtu(request, origin);
    if (url === undefined || request?.method === undefined) throw new TokenGateError('invalid_request', 'The request URL (method, Host and path) is needed to check its DPoP proof');
    const checked = await checkProof(proof, { method: request.method, url, ath: athOf(token) }, rules as ProofRules, clock() / 1000);
    if (!dpopBound(token)) throw invalidToken('The access token is not DPoP-bound; send it with the Bearer scheme');
    if (token.confirmation?.jkt !== checked.thumbprint) throw invalidToken('The DPoP proof key is not the key the access token is bound to');
    checkCertificate(token, request, mtls);
    await rememberProof((dpop as NonNullable<typeof dpop>).replayStore, checked.thumbprint, checked.jti, checked.remaining);
    return token;
  }

  return function checkBinding(token, presented, request) {
    if (presented.scheme === 'DPoP') return checkDpop(token, presented.proof as string, request);
    if (dpop?.required === true) throw invalidToken('This API accepts only DPoP-bound access tokens, sent with the DPoP scheme and a proof');
    if (!isBound(token.claims, token.format) || options.dangerouslyAcceptBoundTokensAsBearer) return token;
    if (dpopBound(token)) throw invalidToken('The access token is DPoP-bound and must be sent with the DPoP scheme and a proof, not as a bearer token');
    if (token.confirmation?.x5tS256 === undefined) throw invalidToken('The access token is bound to a key (cnf) by a method this API does not check');
    checkCertificate(token, request, mtls);
    return token;
  };
}
