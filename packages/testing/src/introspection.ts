import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { nowSeconds } from './claims.js';
import type { JsonObject } from './jws.js';
import type { KeyRing } from './keys.js';
import type { MintOpaqueOptions, OpaqueGrantType } from './mint-options.js';
import type { RouteRequest, RouteResponse } from './routes.js';
import { jsonResponse } from './routes.js';

/**
 * How a client authenticates at the introspection endpoint (RFC 6749 §2.3.1): HTTP Basic with
 * the form-encoded id and secret, or `client_id` and `client_secret` form fields.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ introspectionAuthMethods: ['client_secret_post'] });
 * ```
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/**
 * Every {@link ClientAuthMethod}.
 *
 * @example
 * ```ts
 * CLIENT_AUTH_METHODS.includes('client_secret_basic'); // true
 * ```
 */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = Object.freeze(['client_secret_basic', 'client_secret_post']);

/**
 * The client registered to call the introspection endpoint (the API under test).
 *
 * @example
 * ```ts
 * const { clientId, clientSecret } = issuer.introspectionClient;
 * ```
 */
export interface IntrospectionClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * What the introspection endpoint needs from the issuer.
 *
 * @example
 * ```ts
 * const service = new IntrospectionService({ issuer, audience, tokenLifetime: 3600, client, authMethods: CLIENT_AUTH_METHODS, keys });
 * ```
 */
export interface IntrospectionSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly tokenLifetime: number;
  readonly client: IntrospectionClient;
  readonly authMethods: readonly ClientAuthMethod[];
  /** The issuer's keys: JWTs it signed are introspected too. */
  readonly keys: KeyRing;
}

const GRANT_TYPES: readonly OpaqueGrantType[] = ['authorization_code', 'client_credentials', 'refresh_token'];
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const INACTIVE: JsonObject = Object.freeze({ active: false }) as JsonObject;

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** Credentials of an `Authorization: Basic` header, form-decoded; `undefined` when malformed. */
function parseBasic(header: string): IntrospectionClient | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function invalidClient(description: string): RouteResponse {
  return jsonResponse(401, { error: 'invalid_client', error_description: description }, { 'www-authenticate': 'Basic realm="introspection"' });
}

function invalidRequest(description: string): RouteResponse {
  return jsonResponse(400, { error: 'invalid_request', error_description: description });
}

function withoutUndefined(value: JsonObject): JsonObject {
  for (const name of Object.keys(value)) if (value[name] === undefined) delete value[name];
  return value;
}

/**
 * Opaque tokens, revocations and the RFC 7662 introspection endpoint of a test issuer.
 *
 * @example
 * ```ts
 * const token = service.mint({ scopes: ['read'] });
 * (await service.introspect(token)).active; // true
 * service.revoke(token);
 * (await service.introspect(token)).active; // false
 * ```
 */
export class IntrospectionService {
  readonly #settings: IntrospectionSettings;
  readonly #opaque = new Map<string, JsonObject>();
  readonly #revoked = new Set<string>();

  constructor(settings: IntrospectionSettings) {
    this.#settings = settings;
  }

  /** The registered client. */
  get client(): IntrospectionClient {
    return this.#settings.client;
  }

  /** The accepted client authentication methods. */
  get authMethods(): readonly ClientAuthMethod[] {
    return this.#settings.authMethods;
  }

  /**
   * Records a new opaque token (a random UUID) and the introspection response it will get.
   *
   * @example
   * ```ts
   * service.mint({ grantType: 'client_credentials' }); // 'dba896fe-8f14-46bd-89ac-4270091e9db1'
   * ```
   */
  mint(options: MintOpaqueOptions = {}): string {
    const grantType = options.grantType ?? 'authorization_code';
    if (!GRANT_TYPES.includes(grantType)) throw new TypeError(`Unsupported grant type: ${String(grantType)}`);
    const client = grantType === 'client_credentials';
    const now = nowSeconds();
    const expiresIn = options.expiresIn === undefined ? this.#settings.tokenLifetime : options.expiresIn;
    const response: JsonObject = {
      client_id: options.clientId ?? 'test-client',
      token_type: 'Bearer',
      grant_type: grantType,
      auth_type: options.authType === undefined ? (client ? 'client' : 'user') : (options.authType ?? undefined),
      scope: options.scopes?.join(' '),
      sub: options.sub === undefined ? (client ? undefined : 'user-123') : (options.sub ?? undefined),
      exp: expiresIn === null ? undefined : now + expiresIn,
      iat: now,
      iss: this.#settings.issuer,
      aud: options.audience === undefined ? this.#settings.audience : (options.audience ?? undefined),
      ...options.claims,
    };
    const token = randomUUID();
    this.#opaque.set(token, withoutUndefined(response));
    return token;
  }

  /**
   * From now on the token is inactive (opaque tokens and JWTs alike). A JWT is revoked by its
   * signed part, so another spelling of its signature segment is revoked with it.
   */
  revoke(token: string): void {
    this.#revoked.add(tokenIdentity(token));
  }

  /**
   * The introspection response for a token: `{ active: true, ... }` for a known, unrevoked,
   * unexpired opaque token or a JWT this issuer signed, else `{ active: false }`.
   *
   * @example
   * ```ts
   * await service.introspect('unknown'); // { active: false }
   * ```
   */
  async introspect(token: string): Promise<JsonObject> {
    if (this.#revoked.has(tokenIdentity(token))) return { ...INACTIVE };
    const opaque = this.#opaque.get(token);
    if (opaque !== undefined) {
      const now = nowSeconds();
      const expired = typeof opaque.exp === 'number' && opaque.exp <= now;
      const early = typeof opaque.nbf === 'number' && opaque.nbf > now;
      return expired || early ? { ...INACTIVE } : { active: true, ...opaque };
    }
    if (token.split('.').length !== 3) return { ...INACTIVE };
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: this.#settings.keys.publicJwks() }));
      return { active: true, token_type: 'Bearer', ...payload };
    } catch {
      return { ...INACTIVE };
    }
  }

  /**
   * Answers `POST /introspect`: a form body with `token`, from the registered client.
   *
   * @example
   * ```ts
   * await service.handle(request); // { status: 200, body: '{"active":true,...}' }
   * ```
   */
  async handle(request: RouteRequest): Promise<RouteResponse> {
    if (!FORM_CONTENT_TYPE.test(request.headers['content-type'] ?? '')) {
      return invalidRequest('The request body must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(request.body);
    const refused = this.#authenticate(request.headers.authorization, form);
    if (refused !== undefined) return refused;
    const token = form.get('token');
    if (token === null || token === '') return invalidRequest('The "token" parameter is missing');
    return jsonResponse(200, await this.introspect(token), { 'cache-control': 'no-store' });
  }

  /** `undefined` when the registered client authenticated by an accepted method; else the refusal. */
  #authenticate(authorization: string | undefined, form: URLSearchParams): RouteResponse | undefined {
    const { client, authMethods } = this.#settings;
    // RFC 6749 §2.3: a client must not use more than one authentication method in a request.
    if (authorization !== undefined && form.has('client_secret')) return invalidRequest('More than one client authentication method was used');
    let presented: IntrospectionClient | undefined;
    if (authorization !== undefined) {
      if (!authMethods.includes('client_secret_basic')) return invalidClient('client_secret_basic is not accepted');
      presented = parseBasic(authorization);
      if (presented === undefined) return invalidClient('Malformed Basic credentials');
    } else if (form.has('client_id') || form.has('client_secret')) {
      if (!authMethods.includes('client_secret_post')) return invalidClient('client_secret_post is not accepted');
      presented = { clientId: form.get('client_id') ?? '', clientSecret: form.get('client_secret') ?? '' };
    } else {
      return invalidClient('Client authentication is required');
    }
    if (presented.clientId !== client.clientId || presented.clientSecret !== client.clientSecret) {
      return invalidClient('Client authentication failed');
    }
    return undefined;
  }
}

/**
 * What a revocation is recorded under: for a compact JWS its signing input (header and payload,
 * which the signature covers byte for byte), since the signature segment of one token can be
 * spelled several ways; for an opaque token its text.
 */
function tokenIdentity(token: string): string {
  const parts = token.split('.');
  return parts.length === 3 ? `jws:${parts[0]}.${parts[1]}` : `opaque:${token}`;
}
