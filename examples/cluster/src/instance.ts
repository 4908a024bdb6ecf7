/**
 * One instance of the example API: Express, one verifier and one Redis store shared by every
 * place tokengate keeps state (DPoP replay, introspection answers, the deny list, rate limits).
 * Run several of these against the same Redis and they behave as one API.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { createVerifier, type TokenGateError, type Verifier } from '@tokengate/core';
import { auth, rateLimit } from '@tokengate/express';
import { redisStore, type RateLimitingStore } from '@tokengate/redis';
import { createClient } from 'redis';
import { listenOnLoopback } from './listen.js';

/** How an instance is configured. */
export interface InstanceOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  readonly port?: number;
  /** The shared Redis, e.g. `redis://:password@127.0.0.1:6379`. */
  readonly redisUrl: string;
  /** The authorization server's issuer identifier. */
  readonly issuer: string;
  /** This API's audience. */
  readonly audience: string;
  /** The issuer's JWKS; default discovered from its metadata. */
  readonly jwksUri?: string;
  /** Introspection of opaque tokens (answers shared through Redis). */
  readonly introspection?: { readonly endpoint: string; readonly clientId: string; readonly clientSecret: string };
  /** The origin clients call (the proxy's): DPoP proofs name it in `htu`. */
  readonly publicOrigin: string;
  /** This instance's name, in every answer (`instance`) and in the `X-Instance` header. */
  readonly name: string;
  /** Requests per client per window on `/v1/me`, counted across instances. Default 100 per 60 s. */
  readonly rateLimit?: { readonly points: number; readonly duration: number };
  /** Refuse revoked tokens (`verifier.revoke`, `createDenyList`). Default true. */
  readonly denyList?: boolean;
  /** Milliseconds the first connection to Redis may take before start-up fails. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Where failures (5xx, a rate limit that could not count) are written; default stderr. */
  readonly log?: (line: string) => void;
}

/** A running instance. */
export interface Instance {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly verifier: Verifier;
  /** Stops accepting requests and closes the Redis connection. */
  close(): Promise<void>;
}

/** Retries after a lost connection: quickly at first, then every half second. */
const RECONNECT_DELAY_MS = (retries: number) => Math.min(50 * (retries + 1), 500);

/** A Redis URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable Redis URL)';
  }
}

/** A refused password is final: retrying with the same one fails forever. */
function isAuthenticationError(error: Error): boolean {
  return /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(error.message);
}

/**
 * A connected node-redis client that has answered a PING. Start-up fails (rejects) on a refused or
 * missing password at once, and on an unreachable server after `timeoutMs`; once connected, a lost connection is retried for ever,
 * and commands sent meanwhile fail at once instead of queueing (so requests get their 503 or
 * fail-open answer without waiting).
 */
export async function connectRedis(url: string, timeoutMs: number) {
  let starting = true;
  const deadline = Date.now() + timeoutMs;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: Math.min(1_000, timeoutMs),
      reconnectStrategy: (retries, cause) => {
        if (isAuthenticationError(cause)) return cause;
        if (starting && Date.now() >= deadline) return cause;
        return RECONNECT_DELAY_MS(retries);
      },
    },
  });
  // Connection errors are retried by the client; requests report their own failures.
  client.on('error', () => undefined);
  try {
    await client.connect();
    // A server that wants a password accepts the connection without one; the first command says NOAUTH.
    await client.ping();
  } catch (cause) {
    if (client.isOpen) client.destroy();
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`cannot connect to Redis at ${redactRedisUrl(url)}: ${reason}`, { cause });
  } finally {
    starting = false;
  }
  return client;
}

function describeFailure(name: string, error: TokenGateError): string {
  return `[${name}] ${error.status} ${error.code}: ${error.message}`;
}

/**
 * Starts one instance: connects to Redis, checks that tokens can be verified (the issuer's keys,
 * its introspection endpoint), then listens on 127.0.0.1. Rejects, with the reason, when any of
 * these fails.
 * @example const instance = await createInstance({ redisUrl, issuer, audience, publicOrigin: 'http://127.0.0.1:8080', name: 'api-1' });
 */
export async function createInstance(options: InstanceOptions): Promise<Instance> {
  const { name, publicOrigin } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const client = await connectRedis(options.redisUrl, options.connectTimeoutMs ?? 5_000);
  // Said once per outage: the client retries on its own, and requests answer for themselves meanwhile.
  let connected = true;
  client.on('error', (error: Error) => {
    if (!connected) return;
    connected = false;
    log(`[${name}] lost Redis (${error.message}); reconnecting`);
  });
  client.on('ready', () => {
    if (connected) return;
    connected = true;
    log(`[${name}] Redis is back`);
  });
  let server: Server | undefined;
  try {
    const store: RateLimitingStore = redisStore(client);
    const verifier = createVerifier({
      issuer: options.issuer,
      audience: options.audience,
      jwksUri: options.jwksUri,
      publicOrigin,
      dpop: { replayStore: store },
      ...(options.denyList === false ? {} : { denyList: { store } }),
      ...(options.introspection === undefined ? {} : { introspection: { ...options.introspection, store }, mode: 'auto' as const }),
      onError: (error) => {
        if (error.status >= 500) log(describeFailure(name, error));
      },
    });
    await verifier.ready();

    const { points, duration } = options.rateLimit ?? { points: 100, duration: 60 };
    const app = express();
    app.disable('x-powered-by');
    app.use((_req, res, next) => {
      res.setHeader('X-Instance', name);
      next();
    });
    app.get('/health', (_req, res) => {
      res.json({ status: 'ok', instance: name });
    });
    app.get('/v1/me', auth(verifier), rateLimit({ points, duration, store }), (req, res) => {
      res.json({ instance: name, subject: req.auth?.subject ?? null, clientId: req.auth?.clientId ?? null, confirmation: req.auth?.confirmation ?? null });
    });

    const listening = createServer(app);
    server = listening;
    const port = await listenOnLoopback(listening, options.port);
    let closing: Promise<void> | undefined;
    return {
      name,
      url: `http://127.0.0.1:${port}`,
      port,
      verifier,
      close: () => {
        closing ??= (async () => {
          listening.closeAllConnections();
          await new Promise<void>((resolve) => listening.close(() => resolve()));
          client.destroy();
        })();
        return closing;
      },
    };
  } catch (error) {
    server?.close();
    client.destroy();
    throw error;
  }
}
