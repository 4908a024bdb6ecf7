/**
 * A real OpenID provider for the interop suite: `oidc-provider` (the certified Node.js
 * implementation) on 127.0.0.1, ephemeral port, issuer `http://127.0.0.1:PORT`.
 *
 * - `m2m`: confidential client, client_credentials, client_secret_basic.
 * - `web`: authorization_code + PKCE (S256) + refresh_token, client_secret_basic, redirect `REDIRECT_URI`.
 * - `resource-server`: no grants; the API's credentials for the introspection endpoint.
 * - resources: `API_AUDIENCE` gets RFC 9068 JWT access tokens (RS256), `OPAQUE_AUDIENCE` opaque ones.
 * - devInteractions (built-in login and consent pages), introspection, revocation, refresh token rotation.
 * - DPoP (RFC 9449) at the token endpoint, as oidc-provider enables it by default (ES256, Ed25519,
 *   EdDSA proofs, no nonces); the `dpop` option adds server nonces.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export const API_AUDIENCE = 'https://api.example.test';
export const OPAQUE_AUDIENCE = 'https://opaque-api.example.test';
export const REDIRECT_URI = 'http://127.0.0.1/cb';
export const RESOURCE_SCOPE = 'read:font:data create:webfonts:kit openid';
export const SCOPES = ['openid', 'offline_access', 'read:font:data', 'create:webfonts:kit'];

export interface ClientCredentials {
  readonly id: string;
  readonly secret: string;
}

export interface ProviderHarness {
  readonly issuer: string;
  readonly port: number;
  readonly clients: { readonly m2m: ClientCredentials; readonly web: ClientCredentials; readonly resourceServer: ClientCredentials };
  /** The provider's OpenID Connect Discovery document. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Errors the provider reported (`server_error` and Koa `error` events); expected to stay empty. */
  readonly serverErrors: unknown[];
  close(): Promise<void>;
}

// oidc-provider prints development notices ("quick start development-only ...", "Unsupported
// runtime" on Node 20) with console.warn/info. They are dropped while a harness is alive; any
// other console output is left alone.
let muted = 0;
let restoreConsole: (() => void) | undefined;

function muteProviderNotices(): () => void {
  if (muted++ === 0) {
    const { warn, info } = console;
    const filter =
      (original: (...args: unknown[]) => void) =>
      (...args: unknown[]): void => {
        if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
        original.apply(console, args);
      };
    console.warn = filter(warn);
    console.info = filter(info);
    restoreConsole = () => {
      console.warn = warn;
      console.info = info;
    };
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--muted === 0) restoreConsole?.();
  };
}

function signingKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `interop-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };
}

const secret = () => randomBytes(24).toString('base64url');

/** A resource server oidc-provider issues tokens for (RFC 8707). */
export type ResourceInfo = Record<string, unknown>;

/** Extras of a provider. */
export interface ProviderOptions {
  /** More resources, read on each request (their URLs may be known only once their servers listen). */
  readonly resources?: () => Readonly<Record<string, ResourceInfo>>;
  /** Open dynamic client registration (RFC 7591), for clients that register themselves (MCP). */
  readonly registration?: boolean;
  /** More scopes the provider knows. */
  readonly scopes?: readonly string[];
  /**
   * DPoP server nonces (RFC 9449 §8) at the token endpoint: a nonce secret, and with
   * `requireNonce` every proof must carry one (else 400 `use_dpop_nonce` with a `DPoP-Nonce` header).
   */
  readonly dpop?: { readonly requireNonce?: boolean };
}

/** Start oidc-provider on 127.0.0.1:0. Always `close()` it (afterAll). */
export async function startProvider(options: ProviderOptions = {}): Promise<ProviderHarness> {
  const unmute = muteProviderNotices();
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const issuer = `http://127.0.0.1:${port}`;
    // Imported here, muted: the module prints a runtime notice when it is first loaded.
    const { Provider, errors } = await import('oidc-provider');
    const clients = {
      m2m: { id: 'm2m', secret: secret() },
      web: { id: 'web', secret: secret() },
      resourceServer: { id: 'resource-server', secret: secret() },
    };
    const resourceServers: Record<string, Record<string, unknown>> = {
      [API_AUDIENCE]: { scope: RESOURCE_SCOPE, audience: API_AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } },
      [OPAQUE_AUDIENCE]: { scope: RESOURCE_SCOPE, audience: OPAQUE_AUDIENCE, accessTokenFormat: 'opaque' },
    };
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clients.m2m.id,
          client_secret: clients.m2m.secret,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        {
          client_id: clients.web.id,
          client_secret: clients.web.secret,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        {
          client_id: clients.resourceServer.id,
          client_secret: clients.resourceServer.secret,
          grant_types: [],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: [signingKey()] },
      cookies: { keys: [secret()] },
      scopes: [...SCOPES, ...(options.scopes ?? [])],
      findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
      pkce: { required: () => true },
      rotateRefreshToken: true,
      clientBasedCORS: () => false,
      features: {
        devInteractions: { enabled: true },
        registration: { enabled: options.registration === true },
        clientCredentials: { enabled: true },
        ...(options.dpop ? { dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => options.dpop?.requireNonce === true } } : {}),
        introspection: {
          enabled: true,
          // The API (resource-server) may introspect any token; a client only its own.
          allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) =>
            client.clientId === clients.resourceServer.id || client.clientId === token.clientId,
        },
        revocation: {
          enabled: true,
          allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) => client.clientId === token.clientId,
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: (_ctx: unknown, _client: unknown, oneOf?: string | string[]) => oneOf ?? API_AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            const info = resourceServers[resource] ?? options.resources?.()[resource];
            if (!info) throw new errors.InvalidTarget();
            return info;
          },
        },
      },
    });
    const serverErrors: unknown[] = [];
    provider.on('server_error', (_ctx, error) => serverErrors.push(error));
    provider.on('error', (error) => serverErrors.push(error));
    handler = provider.callback();

    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
    if (discovery.status !== 200) throw new Error(`oidc-provider discovery answered ${discovery.status}`);
    const metadata = (await discovery.json()) as Record<string, unknown>;

    let closed: Promise<void> | undefined;
    return {
      issuer,
      port,
      clients,
      metadata,
      serverErrors,
      close() {
        closed ??= new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }).finally(unmute);
        return closed;
      },
    };
  } catch (error) {
    server.closeAllConnections();
    server.close();
    unmute();
    throw error;
  }
}
