/**
 * OAuth 2.0 client side of the interop suite, over plain `fetch` (no redirects followed
 * automatically, every loop bounded): token endpoint grants, the authorization code flow with
 * PKCE driven through oidc-provider's devInteractions login and consent pages, revocation and
 * introspection, and calls to the example APIs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Claims } from '@tokengate/core';
import { API_AUDIENCE, REDIRECT_URI, type ClientCredentials, type ProviderHarness } from './provider.js';

const TIMEOUT = 5_000;
const MAX_STEPS = 12;

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in?: number;
  readonly scope?: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
}

/** A token endpoint answer: `body` is the parsed JSON, success or error alike. */
export interface TokenResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The smallest cookie jar that works for one origin: name + path, prefix path matching, Max-Age/Expires deletion. */
export class CookieJar {
  readonly #cookies = new Map<string, { name: string; value: string; path: string }>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=', 2);
        const lower = key.toLowerCase();
        if (lower === 'path' && val.startsWith('/')) path = val;
        if (lower === 'max-age' && Number(val) <= 0) expired = true;
        if (lower === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      }
      const key = `${name}\u0000${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  header(url: URL): string {
    return [...this.#cookies.values()]
      .filter(({ path }) => url.pathname === path || url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`))
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }
}

/** The client_secret_basic `Authorization` header of `client`. */
export function basic({ id, secret }: ClientCredentials): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POST a form to one of the provider's endpoints with client_secret_basic. */
export async function postForm(url: string, client: ClientCredentials, form: Record<string, string>): Promise<TokenResult> {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(TIMEOUT),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** An endpoint URL from the provider's metadata (`token_endpoint`, …). */
export function endpoint(provider: ProviderHarness, name: string): string {
  const url = provider.metadata[name];
  if (typeof url !== 'string') throw new Error(`oidc-provider metadata has no ${name}`);
  return url;
}

/** A token request that must succeed. */
async function token(provider: ProviderHarness, client: ClientCredentials, form: Record<string, string>): Promise<TokenResponse> {
  const result = await postForm(endpoint(provider, 'token_endpoint'), client, form);
  if (result.status !== 200) throw new Error(`token endpoint answered ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body as unknown as TokenResponse;
}

export function clientCredentials(provider: ProviderHarness, scope: string, resource = API_AUDIENCE): Promise<TokenResponse> {
  return token(provider, provider.clients.m2m, { grant_type: 'client_credentials', scope, resource });
}

export function refreshTokenGrant(provider: ProviderHarness, refreshToken: string, resource = API_AUDIENCE): Promise<TokenResult> {
  return postForm(endpoint(provider, 'token_endpoint'), provider.clients.web, { grant_type: 'refresh_token', refresh_token: refreshToken, resource });
}

export function revoke(provider: ProviderHarness, client: ClientCredentials, value: string): Promise<TokenResult> {
  return postForm(endpoint(provider, 'revocation_endpoint'), client, { token: value });
}

export function introspect(provider: ProviderHarness, value: string): Promise<TokenResult> {
  return postForm(endpoint(provider, 'introspection_endpoint'), provider.clients.resourceServer, { token: value });
}

export interface AuthorizationResult {
  readonly code: string;
  /** The RFC 9207 `iss` of the authorization response. */
  readonly iss: string | null;
  readonly tokens: TokenResponse;
}

/** The hidden `prompt` and the `action` of the devInteractions form on `html`. */
function interactionForm(html: string, base: URL): { prompt: string; action: URL } {
  const prompt = /name="prompt" value="([a-z]+)"/.exec(html)?.[1];
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!prompt || !action) throw new Error('no devInteractions form on the interaction page');
  return { prompt, action: new URL(action.replaceAll('&amp;', '&'), base) };
}

/**
 * Authorization code flow with PKCE (S256) as user `login`: the authorization request, the
 * login and consent pages (posted like a browser would, cookies kept), the redirect to
 * `REDIRECT_URI` (read, never requested), then the code exchanged at the token endpoint.
 */
export async function authorizationCode(
  provider: ProviderHarness,
  options: { login: string; scope: string; resource?: string },
): Promise<AuthorizationResult> {
  const resource = options.resource ?? API_AUDIENCE;
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const authorize = new URL(endpoint(provider, 'authorization_endpoint'));
  authorize.search = new URLSearchParams({
    client_id: provider.clients.web.id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: options.scope,
    resource,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    // OpenID Connect Core §11: offline_access is ignored unless the request asks for consent.
    ...(options.scope.split(' ').includes('offline_access') ? { prompt: 'consent' } : {}),
  }).toString();

  const redirect = await authorizeInBrowser(authorize, options.login, REDIRECT_URI);
  if (redirect.searchParams.get('state') !== state) throw new Error('authorization response state mismatch');
  const code = redirect.searchParams.get('code') as string;
  const tokens = await token(provider, provider.clients.web, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, resource });
  return { code, iss: redirect.searchParams.get('iss'), tokens };
}

/**
 * What a browser does with an authorization request: follow redirects and post the
 * devInteractions login (as `login`) and consent forms, cookies kept, until the provider
 * redirects to `redirectUri`; that redirect (read, never requested) is returned. Throws on an
 * error response or a redirect without a code.
 */
export async function authorizeInBrowser(authorize: URL, login: string, redirectUri: string): Promise<URL> {
  const jar = new CookieJar();
  let request: { url: URL; form?: URLSearchParams } = { url: authorize };
  for (let step = 0; step < MAX_STEPS; step++) {
    const { url, form } = request;
    const cookie = jar.header(url);
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: form.toString() } : {}),
      signal: AbortSignal.timeout(TIMEOUT),
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (`${next.origin}${next.pathname}` === redirectUri) {
        const error = next.searchParams.get('error');
        if (error) throw new Error(`authorization failed: ${error} ${next.searchParams.get('error_description') ?? ''}`);
        if (!next.searchParams.get('code')) throw new Error('authorization response without code');
        return next;
      }
      request = { url: next };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`unexpected ${response.status} from ${url.pathname}: ${html.slice(0, 200)}`);
    const { prompt, action } = interactionForm(html, url);
    const fields: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
    request = { url: action, form: new URLSearchParams(fields) };
  }
  throw new Error(`authorization did not reach ${redirectUri} within ${MAX_STEPS} steps`);
}

/** Header and payload of a JWS, unverified (to report what the provider emits). */
export function decodeJwt(value: string): { header: Claims; payload: Claims } {
  const [header = '', payload = ''] = value.split('.');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Claims;
  return { header: decode(header), payload: decode(payload) };
}

/** An API answer: status, `WWW-Authenticate`, parsed JSON body. */
export interface ApiResult {
  readonly status: number;
  readonly challenge: string | null;
  readonly body: Record<string, unknown>;
}

export async function callApi(base: string, method: string, path: string, accessToken?: string): Promise<ApiResult> {
  const response = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { body: '{}' } : {}),
    signal: AbortSignal.timeout(TIMEOUT),
  });
  const text = await response.text();
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
