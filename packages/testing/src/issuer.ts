import type { SigningAlgorithm } from './algorithms.js';
import type { MintContext } from './claims.js';
import { buildClaims, buildHeader } from './claims.js';
import type { FetchCounts } from './counts.js';
import { createFetchCounts, resetFetchCounts } from './counts.js';
import type { FaultSwitches } from './faults.js';
import { createFaultSwitches } from './faults.js';
import type { RotateKeysOptions, TestIssuer, TestIssuerOptions } from './issuer-types.js';
import type { ForeignKey } from './foreign-key.js';
import { createForeignKey } from './foreign-key.js';
import type { IntrospectionClient } from './introspection.js';
import { IntrospectionService } from './introspection.js';
import type { JsonObject } from './jws.js';
import { mintUnsignedToken, signCompact, signCompactText } from './jws.js';
import type { PublicJwk } from './keys.js';
import { KeyRing } from './keys.js';
import { oauthMetadataPath, openidConfigurationPath } from './metadata.js';
import type { MintClientOptions, MintCommon, MintOpaqueOptions, MintOptions, MintUserOptions } from './mint-options.js';
import type { ResolvedIssuerOptions } from './options.js';
import { resolveIssuerOptions } from './options.js';
import { buildIssuerRoutes } from './routes.js';
import type { RunningServer } from './server.js';
import { startServer } from './server.js';

class LocalTestIssuer implements TestIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  readonly oauthMetadataUrl: string;
  readonly openidConfigurationUrl: string;
  readonly port: number;
  readonly algorithm: SigningAlgorithm;
  readonly introspectionEndpoint: string;
  readonly #keys: KeyRing;
  readonly #introspection: IntrospectionService;
  readonly #counts: FetchCounts;
  readonly #server: RunningServer;
  readonly #context: MintContext;
  #foreignKey: Promise<ForeignKey> | undefined;

  constructor(
    options: ResolvedIssuerOptions,
    keys: KeyRing,
    readonly faults: FaultSwitches,
    counts: FetchCounts,
    server: RunningServer,
    introspection: IntrospectionService,
  ) {
    this.issuer = `${server.origin}${options.path}`;
    this.audience = options.audience;
    this.jwksUri = `${this.issuer}/jwks`;
    this.oauthMetadataUrl = `${server.origin}${oauthMetadataPath(options.path)}`;
    this.openidConfigurationUrl = `${server.origin}${openidConfigurationPath(options.path)}`;
    this.port = server.port;
    this.algorithm = options.algorithm;
    this.introspectionEndpoint = `${this.issuer}/introspect`;
    this.#keys = keys;
    this.#introspection = introspection;
    this.#counts = counts;
    this.#server = server;
    this.#context = { issuer: this.issuer, audience: this.audience, tokenLifetime: options.tokenLifetime };
  }

  get currentKid(): string {
    return this.#keys.current.kid;
  }

  get fetchCounts(): Readonly<FetchCounts> {
    return this.#counts;
  }

  get introspectionClient(): IntrospectionClient {
    return this.#introspection.client;
  }

  mintUserToken(options: MintUserOptions = {}): Promise<string> {
    return this.#mint(options, { sub: options.sub ?? 'user-123', client_id: options.clientId ?? 'test-client' });
  }

  mintClientToken(options: MintClientOptions = {}): Promise<string> {
    const clientId = options.clientId ?? 'test-client';
    return this.#mint(options, { sub: clientId, client_id: clientId });
  }

  mintToken(options: MintOptions = {}): Promise<string> {
    return this.#mint(options, {});
  }

  async mintOpaqueToken(options: MintOpaqueOptions = {}): Promise<string> {
    return this.#introspection.mint(options);
  }

  revoke(token: string): void {
    this.#introspection.revoke(token);
  }

  async mintWithForeignKey(claims: JsonObject, header: JsonObject = {}): Promise<string> {
    this.#foreignKey ??= createForeignKey({ algorithm: this.algorithm });
    const foreign = await this.#foreignKey;
    return foreign.sign(claims, { kid: this.currentKid, typ: 'at+jwt', ...header });
  }

  mintUnsignedToken(claims: JsonObject, header: JsonObject = {}): string {
    return mintUnsignedToken(claims, header);
  }

  signPayloadText(payloadText: string, header: JsonObject = {}): Promise<string> {
    const key = this.#keys.current;
    return signCompactText(key.privateKey, key.algorithm, { alg: key.algorithm, kid: key.kid, typ: 'at+jwt', ...header }, payloadText);
  }

  async rotateKeys(options: RotateKeysOptions = {}): Promise<void> {
    await this.#keys.rotate(options.keepPrevious ?? true, options.kid);
  }

  publishedKids(): string[] {
    return this.#keys.publishedKids();
  }

  currentPublicJwk(): PublicJwk {
    return { ...this.#keys.current.publicJwk };
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.#keys.publicJwks() };
  }

  resetCounts(): void {
    resetFetchCounts(this.#counts);
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  #mint(options: MintCommon, identity: JsonObject): Promise<string> {
    const claims = buildClaims(this.#context, options, identity);
    const foreign = options.signingKey;
    if (foreign !== undefined) {
      return foreign.sign(claims, buildHeader(foreign.algorithm, this.currentKid, options));
    }
    const key = this.#keys.current;
    return signCompact(key.privateKey, key.algorithm, buildHeader(key.algorithm, key.kid, options), claims);
  }
}

/**
 * Starts a local OAuth 2.0 / OpenID Connect issuer on `127.0.0.1` with an ephemeral port:
 * metadata documents, a JWKS, token minting (JWTs and opaque tokens), an introspection
 * endpoint with client authentication, revocation, key rotation and fault switches.
 *
 * @example
 * ```ts
 * import { createRemoteJWKSet, jwtVerify } from 'jose';
 *
 * const issuer = await createTestIssuer({ algorithm: 'ES256' });
 * const token = await issuer.mintUserToken({ scopes: ['read'] });
 * const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
 *   issuer: issuer.issuer,
 *   audience: issuer.audience,
 * });
 * payload.scope; // 'read'
 * await issuer.close();
 * ```
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const resolved = resolveIssuerOptions(options);
  const keys = await KeyRing.create(resolved.algorithm);
  const faults = createFaultSwitches();
  const counts = createFetchCounts();
  let introspection: IntrospectionService | undefined;
  const server = await startServer({
    faults,
    counts,
    routes: (origin) => {
      const issuer = `${origin}${resolved.path}`;
      introspection = new IntrospectionService({
        issuer,
        audience: resolved.audience,
        tokenLifetime: resolved.tokenLifetime,
        client: resolved.introspectionClient,
        authMethods: resolved.introspectionAuthMethods,
        keys,
      });
      return buildIssuerRoutes({
        issuer,
        issuerPath: resolved.path,
        metadataIssuer: resolved.issuerInMetadata ?? issuer,
        algorithm: resolved.algorithm,
        discovery: resolved.discovery,
        keys,
        faults,
        introspection,
      });
    },
  });
  return new LocalTestIssuer(resolved, keys, faults, counts, server, introspection as IntrospectionService);
}
