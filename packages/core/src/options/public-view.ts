/**
 * `verifier.options`: the validated options as applications may read (and log) them. Secrets
 * stay out: the HMAC `secret` shows only as `hasSecret`, the introspection client secret and the
 * DPoP nonce secrets not at all; nor does a `jwks.snapshot` (data, not settings).
 */
import type { ResolvedDpop } from './binding.js';
import type { ResolvedIntrospection, ResolvedOptions } from './resolved.js';

/** DPoP settings without the nonce secrets. */
export type PublicDpop = Omit<ResolvedDpop, 'nonce'> & { readonly nonce: { readonly lifetime: number } | undefined };

/** The validated options, without secrets. */
export type PublicOptions = Omit<ResolvedOptions, 'secret' | 'introspection' | 'dpop' | 'jwksSnapshot'> & {
  /** Whether an HMAC secret is configured. */
  readonly hasSecret: boolean;
  readonly introspection: Omit<ResolvedIntrospection, 'clientSecret'> | undefined;
  readonly dpop: PublicDpop | undefined;
};

function publicDpop(dpop: ResolvedDpop | undefined): PublicDpop | undefined {
  if (dpop === undefined) return undefined;
  const { nonce, ...rest } = dpop;
  return Object.freeze({ ...rest, nonce: nonce === undefined ? undefined : Object.freeze({ lifetime: nonce.lifetime }) });
}

/**
 * The public view of resolved options.
 * @example publicView(resolveOptions({ issuer, audience, secret })).hasSecret // => true
 */
export function publicView(options: ResolvedOptions): PublicOptions {
  const { secret, introspection, dpop, jwksSnapshot: _keys, ...rest } = options;
  let publicIntrospection: Omit<ResolvedIntrospection, 'clientSecret'> | undefined;
  if (introspection !== undefined) {
    const { clientSecret: _clientSecret, ...shown } = introspection;
    publicIntrospection = Object.freeze(shown);
  }
  return Object.freeze({ ...rest, hasSecret: secret !== undefined, introspection: publicIntrospection, dpop: publicDpop(dpop) });
}
