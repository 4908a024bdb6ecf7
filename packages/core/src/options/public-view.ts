/**
 * `verifier.options`: the validated options as applications may read (and log) them. Secrets
 * stay out: the HMAC `secret` shows only as `hasSecret`, the introspection client secret not at all.
 */
import type { ResolvedIntrospection, ResolvedOptions } from './resolved.js';

/** The validated options, without secrets. */
export type PublicOptions = Omit<ResolvedOptions, 'secret' | 'introspection'> & {
  /** Whether an HMAC secret is configured. */
  readonly hasSecret: boolean;
  readonly introspection: Omit<ResolvedIntrospection, 'clientSecret'> | undefined;
};

/**
 * The public view of resolved options.
 * @example publicView(resolveOptions({ issuer, audience, secret })).hasSecret // => true
 */
export function publicView(options: ResolvedOptions): PublicOptions {
  const { secret, introspection, ...rest } = options;
  let publicIntrospection: Omit<ResolvedIntrospection, 'clientSecret'> | undefined;
  if (introspection !== undefined) {
    const { clientSecret: _clientSecret, ...shown } = introspection;
    publicIntrospection = Object.freeze(shown);
  }
  return Object.freeze({ ...rest, hasSecret: secret !== undefined, introspection: publicIntrospection });
}
