/**
 * The two ways into verification: `verify(token)` (the Bearer scheme, no request) and a request's
 * credentials (its scheme, and for DPoP its proof). Both run the token checks, the token's
 * verification, the binding rule and the deny list, and report a failure once, challenged under
 * the scheme used.
 */
import { BEARER, type BindingCheck, type Presentation } from '../binding/check-binding.js';
import type { FailureReporter } from '../errors/report.js';
import type { VerifyToken } from '../jwt/verify-jwt.js';
import type { AccessToken } from '../token/types.js';
import type { CheckCredentials } from './authenticate.js';
import type { RequestContext } from './context.js';
import { readProof } from './dpop-header.js';
import { checkTokenInput } from './token-input.js';

/** What the checks are made of. */
export interface TokenCheckSteps {
  readonly verifyToken: VerifyToken;
  readonly checkBinding: BindingCheck;
  readonly maxTokenLength: number;
  readonly fail: FailureReporter;
  /** The deny list, when one is configured: after the binding, on every request. */
  readonly checkDenied?: ((token: AccessToken) => Promise<AccessToken>) | undefined;
}

/** `verify` and the credential check of a verifier. */
export interface TokenChecks {
  verify(token: string): Promise<AccessToken>;
  readonly check: CheckCredentials;
}

/**
 * Create the checks.
 * @example const { verify, check } = createTokenChecks({ verifyToken, checkBinding, maxTokenLength: 8192, fail });
 */
export function createTokenChecks({ verifyToken, checkBinding, maxTokenLength, fail, checkDenied }: TokenCheckSteps): TokenChecks {
  async function checkToken(token: string, presented: Presentation, request: RequestContext | undefined): Promise<AccessToken> {
    const bound = await checkBinding(await verifyToken(checkTokenInput(token, maxTokenLength)), presented, request);
    return checkDenied === undefined ? bound : checkDenied(bound);
  }
  return {
    async verify(token) {
      try {
        return await checkToken(token, BEARER, undefined);
      } catch (error) {
        throw fail(error);
      }
    },
    async check({ token, scheme }, request) {
      try {
        return await checkToken(token, scheme === 'DPoP' ? { scheme, proof: readProof(request) } : BEARER, request);
      } catch (error) {
        throw fail(error, scheme);
      }
    },
  };
}
