// The cluster example under load: two API processes sharing one redis-server, behind the
// round-robin proxy, for a few seconds of mixed traffic: DPoP requests with fresh proofs, each
// proof then replayed, bearer JWTs (cached by the verifier) and opaque tokens (introspected).
// Nothing may answer 500 or an unexpected 401/429, and every replayed proof must be refused, on
// whichever instance it lands. Prints requests per second and p99.
// Short by default (CI); TOKENGATE_LOAD=long runs 20 s with 50 connections.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { startRedisServer, type RedisServer } from '@tokengate/test-support';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../examples/cluster/src/cluster.js';

const LONG = process.env.TOKENGATE_LOAD === 'long';
const DURATION_S = LONG ? 20 : 5;
const CONNECTIONS = LONG ? 50 : 10;
const PASSWORD = `load-${randomUUID()}`;
const OPAQUE_TOKENS = 10;

let redis: RedisServer;
let issuer: TestIssuer;
let cluster: Cluster;

beforeAll(async () => {
  [redis, issuer] = await Promise.all([startRedisServer({ password: PASSWORD }), createTestIssuer()]);
  // The limit is far above what the run sends: any 429 is a fault.
  cluster = await startCluster({ redisUrl: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`, issuer, size: 2, rateLimit: { points: 1_000_000, duration: 60 } });
}, 40_000);

afterAll(async () => {
  await Promise.allSettled([cluster?.close()]);
  await Promise.allSettled([redis?.stop(), issuer?.close()]);
});

/** A DPoP key (ES256) with its public JWK and RFC 7638 thumbprint. */
interface ProofKey {
  readonly privateKey: KeyObject;
  readonly jwk: { kty: string; crv: string; x: string; y: string };
  readonly thumbprint: string;
}

function proofKey(): ProofKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
  const thumbprint = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  return { privateKey, jwk: { kty, crv, x, y }, thumbprint };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A fresh proof (RFC 9449 §4.2) for `GET htu` with `token`. */
function proof(key: ProofKey, htu: string, token: string): string {
  const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk });
  const claims = b64({ jti: randomUUID(), htm: 'GET', htu, iat: Math.floor(Date.now() / 1000), ath: createHash('sha256').update(token).digest('base64url') });
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${claims}.${signature.toString('base64url')}`;
}

type Kind = 'dpop' | 'replay' | 'bearer' | 'opaque';
type Tally = Record<Kind, Map<number, number>>;

/** What each connection remembers between its requests: the proof it had accepted, to replay it. */
interface ConnectionContext {
  proof?: string;
  token?: string;
}

describe('two instances sharing one Redis, behind the proxy, under load', () => {
  it('answers every valid request 200, refuses every replayed proof, never 500 or 429', async () => {
    const htu = `${cluster.proxy.url}/v1/me`;
    const bound = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const key = proofKey();
        return { key, token: await issuer.mintUserToken({ sub: `dpop-${i}`, clientId: `dpop-client-${i}`, claims: { cnf: { jkt: key.thumbprint } } }) };
      }),
    );
    const bearers = await Promise.all(Array.from({ length: 20 }, (_, i) => issuer.mintUserToken({ sub: `user-${i}`, clientId: `client-${i}` })));
    const opaque = await Promise.all(Array.from({ length: OPAQUE_TOKENS }, (_, i) => issuer.mintOpaqueToken({ sub: `opaque-${i}`, clientId: `opaque-client-${i}` })));
    issuer.resetCounts();

    const tally: Tally = { dpop: new Map(), replay: new Map(), bearer: new Map(), opaque: new Map() };
    const bump = (kind: Kind, status: number) => tally[kind].set(status, (tally[kind].get(status) ?? 0) + 1);
    const servedBy = new Map<string, number>();
    let replaysRefusedAsReplay = 0;
    let [d, b, o] = [0, 0, 0];

    const result = await autocannon({
      url: htu,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          setupRequest: (request, context) => {
            const chosen = bound[(d = (d + 1) % bound.length)]!;
            const fresh = proof(chosen.key, htu, chosen.token);
            Object.assign(context as ConnectionContext, { proof: fresh, token: chosen.token });
            return { ...request, headers: { authorization: `DPoP ${chosen.token}`, dpop: fresh } };
          },
          onResponse: (status, _body, context, headers) => {
            bump('dpop', status);
            const instance = headers?.['x-instance'];
            if (typeof instance === 'string') servedBy.set(instance, (servedBy.get(instance) ?? 0) + 1);
            if (status !== 200) delete (context as ConnectionContext).proof;
          },
        },
        {
          // The proof the previous request had accepted, sent again (to whichever instance is next).
          setupRequest: (request, context) => {
            const { proof: accepted, token } = context as ConnectionContext;
            return { ...request, headers: accepted === undefined || token === undefined ? {} : { authorization: `DPoP ${token}`, dpop: accepted } };
          },
          onResponse: (status, body) => {
            bump('replay', status);
            if (status === 401 && body.includes('"error":"invalid_dpop_proof"')) replaysRefusedAsReplay += 1;
          },
        },
        {
          setupRequest: (request) => ({ ...request, headers: { authorization: `Bearer ${bearers[(b = (b + 1) % bearers.length)]}` } }),
          onResponse: (status) => bump('bearer', status),
        },
        {
          setupRequest: (request) => ({ ...request, headers: { authorization: `Bearer ${opaque[(o = (o + 1) % opaque.length)]}` } }),
          onResponse: (status) => bump('opaque', status),
        },
      ],
    });

    const summary = {
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      statuses: Object.fromEntries(Object.entries(tally).map(([kind, map]) => [kind, Object.fromEntries(map)])),
      servedBy: Object.fromEntries(servedBy),
      proxied: cluster.proxy.forwarded(),
      introspections: issuer.fetchCounts.introspection,
    };
    console.log(`cluster load (${CONNECTIONS} connections, ${DURATION_S} s, 2 instances): ${JSON.stringify(summary)}`);

    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(tally.replay.get(401) ?? 0);
    expect(Object.fromEntries(tally.dpop)).toEqual({ 200: expect.any(Number) });
    expect(Object.fromEntries(tally.bearer)).toEqual({ 200: expect.any(Number) });
    expect(Object.fromEntries(tally.opaque)).toEqual({ 200: expect.any(Number) });
    // Every replayed proof refused, as a replay.
    expect(Object.fromEntries(tally.replay)).toEqual({ 401: expect.any(Number) });
    expect(replaysRefusedAsReplay).toBe(tally.replay.get(401));
    expect(replaysRefusedAsReplay).toBeGreaterThan(100);
    // Both instances served; each opaque token introspected about once for the whole cluster
    // (two instances may both ask for a token they see at the same moment).
    expect([...servedBy.keys()].sort()).toEqual(['api-1', 'api-2']);
    expect(issuer.fetchCounts.introspection).toBeGreaterThanOrEqual(OPAQUE_TOKENS);
    expect(issuer.fetchCounts.introspection).toBeLessThanOrEqual(2 * OPAQUE_TOKENS);
    expect(result.requests.total).toBeGreaterThan(400);
  }, (DURATION_S + 30) * 1000);
});
