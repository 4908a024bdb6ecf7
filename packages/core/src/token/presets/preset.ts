/**
 * What an identity-provider preset may change: how a token's type, scopes and client are read,
 * which claim stands for the audience, extra claim rules, and where an issuer's keys are.
 * Everything not set keeps the generic rules.
 */
import type { Claims, TokenType } from '../types.js';

/** The providers tokengate has presets for. */
export type PresetName = 'auth0' | 'entra' | 'keycloak' | 'okta' | 'cognito' | 'google' | 'hydra';

/** A preset by name, or with the provider's own options. */
export type PresetOption =
  | PresetName
  | { readonly name: 'keycloak'; /** Add `realm_access.roles` and the token client's `resource_access.<azp>.roles` to the scopes. Default false. */ readonly rolesAsScopes?: boolean }
  | { readonly name: 'cognito'; /** Strip this resource-server prefix from scopes (`https://api.example.com/fonts.read` → `fonts.read`). */ readonly scopePrefix?: string }
  | { readonly name: Exclude<PresetName, 'keycloak' | 'cognito'> };

/** A preset's rules. */
export interface Preset {
  readonly name: PresetName;
  /** User or client, replacing the generic classifier. */
  readonly classify?: (claims: Claims) => TokenType;
  /** The scopes, replacing the generic reading of `scope`/`scp`/`permissions`; `generic` is that reading. */
  readonly scopes?: (claims: Claims, type: TokenType, generic: readonly string[]) => readonly string[];
  /** The client, replacing `client_id` / `azp` / `cid`. */
  readonly clientId?: (claims: Claims) => string | undefined;
  /** The claim checked against `audience` (Cognito access tokens have no `aud`). Default `aud`. */
  readonly audienceClaim?: 'aud' | 'client_id';
  /** Further claim rules, run after the generic ones (throw `TokenGateError` `invalid_token`). */
  readonly checkClaims?: (claims: Claims) => void;
  /** Issuers that are not URLs this provider uses (Google service accounts: e-mail addresses). */
  readonly acceptsIssuer?: (issuer: string) => boolean;
  /** The JWKS URL of an issuer, when the provider has no discovery for it. */
  readonly jwksUri?: (issuer: string) => string | undefined;
}
