/**
 * Options of the state an API may share between its instances: the deny list.
 */
import type { Store } from '../store/store.js';

/** The deny list (`verifier.revoke`), honoured on every request, cache hits included. */
export interface DenyListOptions {
  /** Where revocations are kept: a `Store` every instance (and an operator's script) shares. */
  readonly store: Store;
  /** Namespaces this API's revocations in a store shared with other APIs. Default `tokengate:deny:`. */
  readonly prefix?: string;
}

/** What to revoke: tokens with this `jti`, of this subject, or of this client (any that are given). */
export interface Revocation {
  readonly jti?: string;
  readonly sub?: string;
  readonly clientId?: string;
}

/** Until when a revocation holds: a `Date`, or seconds since the epoch (like `exp`). */
export interface RevocationOptions {
  readonly until: Date | number;
}
