/**
 * Providers whose tokens the generic rules already read right; the preset names them, so the
 * configuration says which provider it was checked against.
 * - Auth0: `gty: client-credentials` and `<client>@clients` subjects mark client tokens; scopes in
 *   `scope`, and `permissions` for APIs with RBAC; `aud` may be an array with `/userinfo`
 *   (auth0.com/docs "Access Token Profiles", default and RFC 9068).
 * - Okta: the client is `cid`, scopes an `scp` array, no `typ`; client tokens have `sub` equal to
 *   `cid` (developer.okta.com "Access token" claims).
 * - Ory Hydra: scopes an `scp` array, `aud` an array; client tokens have `sub` equal to
 *   `client_id`; extra claims under `ext` (ory.sh "OAuth2 token" claims).
 */
import type { Preset, PresetName } from './preset.js';

/** A preset that changes nothing. */
export function generic(name: Extract<PresetName, 'auth0' | 'okta' | 'hydra'>): Preset {
  return Object.freeze({ name });
}
