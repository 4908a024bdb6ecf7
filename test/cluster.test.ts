// The cluster example as it runs: three API processes behind the round-robin proxy, one real
// redis-server (with a password) and the local test issuer. What one instance learns, every
// instance knows: a DPoP proof is accepted once across the cluster, an opaque token is introspected
// once, an operator's revocation reaches every instance, a rate limit counts across instances.
// When Redis goes away, the replay check and the deny list fail closed (503) and the rate limit
// fails open; when it is back, the same processes work again. A wrong password stops start-up.
import { randomUUID } from 'node:crypto';
import { createDenyList } from '@tokengate/core';
import { redisStore } from '@tokengate/redis';
import { startRedisServer, type RedisServer } from '@tokengate/test-support';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { calculateThumbprint, generateKeyPair, generateProof, type KeyPair } from 'dpop';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStartError, spawnInstance, startCluster, type Cluster, type InstanceProcess } from '../examples/cluster/src/cluster.js';

const PASSWORD = `cluster-${randomUUID()}`;
const RATE_POINTS = 12;
const RATE_DURATION = 60;
/** The origin the instance outside the cluster is told clients call (as behind a TLS terminator). */
const SOLO_ORIGIN = 'https://solo.api.example.test';
const REQUEST_TIMEOUT_MS = 5_000;
/** Redis back → every instance answers 200 again within this. */
const RECOVERY_WITHIN_MS = 10_000;

let redis: RedisServer;
let issuer: TestIssuer;
let cluster: Cluster;
/** An instance outside the proxy without a deny list: the rate limit's fail-open is visible on it. */
let solo: InstanceProcess;
let operator: ReturnType<typeof createClient> | undefined;
let redisUrl: string;

const urlWith = (password: string) => `redis://:${encodeURIComponent(password)}@127.0.0.1:${redis.port}`;

beforeAll(async () => {
  [redis, issuer] = await Promise.all([startRedisServer({ password: PASSWORD }), createTestIssuer()]);
  redisUrl = urlWith(PASSWORD);
  const introspection = { endpoint: issuer.introspectionEndpoint, ...issuer.introspectionClient };
  const rateLimit = { points: RATE_POINTS, duration: RATE_DURATION };
  const [started, alone] = await Promise.allSettled([
    startCluster({ redisUrl, issuer, rateLimit }),
    spawnInstance({ name: 'solo', redisUrl, issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, introspection, publicOrigin: SOLO_ORIGIN, rateLimit, denyList: false }),
  ]);
  // Whatever started is kept for afterAll to stop, even when the other did not.
  if (started.status === 'fulfilled') cluster = started.value;
  if (alone.status === 'fulfilled') solo = alone.value;
  for (const result of [started, alone]) if (result.status === 'rejected') throw result.reason;
  operator = createClient({ url: redisUrl, disableOfflineQueue: true, socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(50 * (retries + 1), 250) } });
  operator.on('error', () => undefined);
  await operator.connect();
}, 40_000);

afterAll(async () => {
  if (operator?.isOpen) operator.destroy();
  await Promise.allSettled([cluster?.close(), solo?.stop()]);
  await Promise.allSettled([redis?.stop(), issuer?.close()]);
});

interface Answer {
  readonly status: number;
  /** The instance that answered (`X-Instance`). */
  readonly instance: string | null;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function get(base: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${base}/v1/me`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, instance: response.headers.get('x-instance'), headers: response.headers, body };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A DPoP key and a token bound to it. */
interface Bound {
  readonly keys: KeyPair;
  readonly thumbprint: string;
  readonly token: string;
}

async function boundToken(clientId: string): Promise<Bound> {
  const keys = await generateKeyPair('ES256');
  const thumbprint = await calculateThumbprint(keys.publicKey);
  const token = await issuer.mintUserToken({ sub: `${clientId}-user`, clientId, claims: { cnf: { jkt: thumbprint } } });
  return { keys, thumbprint, token };
}

/** The headers of a DPoP request to `GET <origin>/v1/me`, with a fresh proof. */
async function dpop(bound: Bound, origin: string): Promise<Record<string, string>> {
  return { authorization: `DPoP ${bound.token}`, dpop: await generateProof(bound.keys, `${origin}/v1/me`, 'GET', undefined, bound.token) };
}

const instanceNames = () => cluster.instances.map((instance) => instance.name);

/** Whether any instance process (or the solo one) has exited. */
async function anyExited(): Promise<boolean> {
  const processes = [...cluster.instances, solo];
  const exits = await Promise.all(processes.map((instance) => Promise.race([instance.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 0))])));
  return exits.some(Boolean);
}

/** What every instance answers while Redis is down. */
async function whileRedisIsDown(bound: Bound, plain: string, opaque: string): Promise<void> {
  const started = performance.now();
  // The replay check fails closed: a proof that cannot be remembered is not accepted.
  for (const instance of cluster.instances) {
    const answer = await get(instance.url, await dpop(bound, cluster.proxy.url));
    expect(answer.status, instance.name).toBe(503);
    expect(answer.body.error).toBe('temporarily_unavailable');
    expect(answer.headers.get('retry-after')).toBe('1');
  }
  const soloDpop = await get(solo.url, await dpop(bound, SOLO_ORIGIN));
  expect(soloDpop.status).toBe(503);
  expect(soloDpop.body).toMatchObject({ error: 'temporarily_unavailable', detail: 'The DPoP replay check is unavailable; try again shortly' });
  // The deny list fails closed: with it on (the three cluster instances), no token gets through.
  for (const instance of cluster.instances) {
    const answer = await get(instance.url, bearer(plain));
    expect(answer.status, instance.name).toBe(503);
    expect(answer.body).toMatchObject({ error: 'temporarily_unavailable', detail: 'The deny list is unavailable; try again shortly' });
  }
  // The rate limit fails open (its default): the instance without a deny list lets the request through, uncounted.
  const limitOpen = await get(solo.url, bearer(plain));
  expect(limitOpen.status).toBe(200);
  expect(limitOpen.headers.get('ratelimit')).toBeNull();
  // Introspection answers cannot be shared: the instance introspects itself instead.
  const introspectedBefore = issuer.fetchCounts.introspection;
  const fallback = await get(solo.url, bearer(opaque));
  expect(fallback.status).toBe(200);
  expect(fallback.body).toMatchObject({ subject: 'fault-opaque-user' });
  expect(issuer.fetchCounts.introspection - introspectedBefore).toBe(1);
  // Every answer above came at once (commands fail fast while the client is disconnected), none after a timeout.
  expect(performance.now() - started).toBeLessThan(5_000);
}

describe('three API processes behind the proxy, one Redis', () => {
  it('the proxy sends requests to each instance in turn', async () => {
    const token = await issuer.mintUserToken({ clientId: 'turns' });
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i += 1) answers.push(await get(cluster.proxy.url, bearer(token)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Consecutive requests land on every instance in turn.
    expect(new Set(answers.slice(0, 3).map((answer) => answer.body.instance))).toEqual(new Set(instanceNames()));
    expect(answers.map((answer) => answer.instance)).toEqual(answers.map((answer) => answer.body.instance));
    expect(answers[0]?.body).toMatchObject({ subject: 'user-123', clientId: 'turns', confirmation: null });
  });

  it('a DPoP proof accepted by one instance is refused by every other one (401 invalid_dpop_proof)', async () => {
    const bound = await boundToken('dpop-client');
    const [first, second, third] = cluster.instances as [InstanceProcess, InstanceProcess, InstanceProcess];
    // The instances are called directly, so which one answers is certain; `htu` is the proxy's URL.
    const headers = await dpop(bound, cluster.proxy.url);
    const accepted = await get(first.url, headers);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ instance: first.name, clientId: 'dpop-client', confirmation: { jkt: bound.thumbprint } });
    for (const other of [second, third, first]) {
      const replayed = await get(other.url, headers);
      expect(replayed.status, other.name).toBe(401);
      expect(replayed.instance).toBe(other.name);
      expect(replayed.body).toMatchObject({ error: 'invalid_dpop_proof', detail: 'The DPoP proof was already used (replay)' });
      expect(replayed.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
    }
    // Through the proxy: the replay goes to the next instance, which refuses it too.
    const fresh = await dpop(bound, cluster.proxy.url);
    const once = await get(cluster.proxy.url, fresh);
    const again = await get(cluster.proxy.url, fresh);
    expect([once.status, again.status]).toEqual([200, 401]);
    expect(again.instance).not.toBe(once.instance);
    expect(again.body.error).toBe('invalid_dpop_proof');
  });

  it('an opaque token used for 9 requests across the instances is introspected exactly once', async () => {
    const token = await issuer.mintOpaqueToken({ sub: 'opaque-user', clientId: 'opaque-client', scopes: ['read'] });
    const before = issuer.fetchCounts.introspection;
    const seen = new Map<string, number>();
    for (let i = 0; i < 9; i += 1) {
      const answer = await get(cluster.proxy.url, bearer(token));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ subject: 'opaque-user', clientId: 'opaque-client' });
      seen.set(String(answer.instance), (seen.get(String(answer.instance)) ?? 0) + 1);
    }
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(instanceNames().map((name) => [name, 3])));
    expect(issuer.fetchCounts.introspection - before).toBe(1);
  });

  it("an operator's revocation (createDenyList on the same Redis) makes the next request to every instance 401", async () => {
    const jti = `revoke-me-${randomUUID()}`;
    const token = await issuer.mintUserToken({ sub: 'revoked-user', clientId: 'deny-client', jti });
    const other = await issuer.mintUserToken({ sub: 'revoked-user-2', clientId: 'deny-client-2' });
    // Twice each, so every instance has the token in its verified-token cache.
    for (const instance of cluster.instances) {
      for (let i = 0; i < 2; i += 1) expect((await get(instance.url, bearer(token))).status, instance.name).toBe(200);
    }
    if (operator === undefined) throw new Error('no operator client');
    await createDenyList({ store: redisStore(operator) }).revoke({ jti }, { until: new Date(Date.now() + 10 * 60_000) });
    for (const instance of cluster.instances) {
      const refused = await get(instance.url, bearer(token));
      expect(refused.status, instance.name).toBe(401);
      expect(refused.body).toMatchObject({ error: 'invalid_token', detail: 'The access token has been revoked (by jti)' });
      expect((await get(instance.url, bearer(other))).status, instance.name).toBe(200);
    }
    expect((await get(cluster.proxy.url, bearer(token))).status).toBe(401);
  });

  it(`a rate limit of ${RATE_POINTS} per minute holds across the instances: ${RATE_POINTS} accepted, the rest 429 with Retry-After and RateLimit`, async () => {
    const token = await issuer.mintClientToken({ clientId: 'rate-client' });
    const answers: Answer[] = [];
    for (let i = 0; i < RATE_POINTS + 3; i += 1) answers.push(await get(cluster.proxy.url, bearer(token)));
    const accepted = answers.slice(0, RATE_POINTS);
    const refused = answers.slice(RATE_POINTS);
    expect(accepted.map((answer) => answer.status)).toEqual(Array(RATE_POINTS).fill(200));
    expect(new Set(accepted.map((answer) => answer.instance))).toEqual(new Set(instanceNames()));
    accepted.forEach((answer, index) => {
      expect(answer.headers.get('ratelimit-policy')).toBe(`"default";q=${RATE_POINTS};w=${RATE_DURATION}`);
      expect(answer.headers.get('ratelimit')).toMatch(new RegExp(`^"default";r=${RATE_POINTS - 1 - index};t=\\d+$`));
    });
    expect(refused.map((answer) => answer.status)).toEqual([429, 429, 429]);
    expect(new Set(refused.map((answer) => answer.instance)).size).toBe(3);
    for (const answer of refused) {
      const retryAfter = Number(answer.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(RATE_DURATION);
      expect(answer.headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
      expect(answer.headers.get('ratelimit-policy')).toBe(`"default";q=${RATE_POINTS};w=${RATE_DURATION}`);
      expect(answer.body).toMatchObject({ error: 'rate_limited', status: 429 });
    }
  });

  it('Redis stopped: DPoP requests 503, the deny list 503, the rate limit fails open; Redis back: the same processes work again', async () => {
    const bound = await boundToken('fault-dpop-client');
    const plain = await issuer.mintUserToken({ sub: 'fault-user', clientId: 'fault-client' });
    const opaque = await issuer.mintOpaqueToken({ sub: 'fault-opaque-user', clientId: 'fault-opaque-client' });
    const pids = [...cluster.instances, solo].map((instance) => instance.pid);
    expect((await get(solo.url, await dpop(bound, SOLO_ORIGIN))).status).toBe(200);
    expect((await get(solo.url, bearer(plain))).headers.get('ratelimit')).toMatch(/^"default";r=\d+;t=\d+$/);

    await redis.stop();
    try {
      await whileRedisIsDown(bound, plain, opaque);
    } finally {
      // Even when an expectation above failed: the tests after this one need Redis.
      await redis.restart();
    }

    const back = performance.now();
    const targets = [...cluster.instances.map((instance) => ({ instance, origin: cluster.proxy.url })), { instance: solo, origin: SOLO_ORIGIN }];
    const pending = new Set(targets);
    for (let attempt = 0; attempt < RECOVERY_WITHIN_MS / 100 && pending.size > 0 && performance.now() - back < RECOVERY_WITHIN_MS; attempt += 1) {
      for (const target of [...pending]) {
        if ((await get(target.instance.url, await dpop(bound, target.origin))).status === 200) pending.delete(target);
      }
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...pending].map((target) => target.instance.name)).toEqual([]);
    expect(performance.now() - back).toBeLessThan(RECOVERY_WITHIN_MS);
    expect(await anyExited()).toBe(false);
    expect([...cluster.instances, solo].map((instance) => instance.pid)).toEqual(pids);

    // Everything shared works again (the restarted Redis kept nothing: it runs without persistence).
    const headers = await dpop(bound, cluster.proxy.url);
    expect((await get(cluster.instances[0]!.url, headers)).status).toBe(200);
    expect((await get(cluster.instances[1]!.url, headers)).body.error).toBe('invalid_dpop_proof');
    for (const instance of cluster.instances) expect((await get(instance.url, bearer(plain))).status, instance.name).toBe(200);
    expect((await get(solo.url, bearer(plain))).headers.get('ratelimit')).toMatch(/^"default";r=\d+;t=\d+$/);
    const shared = await issuer.mintOpaqueToken({ sub: 'after-restart', clientId: 'after-restart-client' });
    const introspectedAfter = issuer.fetchCounts.introspection;
    for (let i = 0; i < 3; i += 1) expect((await get(cluster.proxy.url, bearer(shared))).status).toBe(200);
    expect(issuer.fetchCounts.introspection - introspectedAfter).toBe(1);
    if (operator === undefined) throw new Error('no operator client');
    await createDenyList({ store: redisStore(operator) }).revoke({ clientId: 'fault-client' }, { until: new Date(Date.now() + 60_000) });
    for (const instance of cluster.instances) expect((await get(instance.url, bearer(plain))).body.error, instance.name).toBe('invalid_token');
    // What the instances said meanwhile: the outage and the recovery, once each.
    expect(solo.output().match(/\[solo\] lost Redis .*; reconnecting/g)).toHaveLength(1);
    expect(solo.output().match(/\[solo\] Redis is back/g)).toHaveLength(1);
  });
});

describe('Redis credentials', () => {
  it('an instance given the wrong password does not start: it exits with status 1 and says WRONGPASS, the password not shown', async () => {
    const started = performance.now();
    const attempt = spawnInstance({ name: 'wrong-password', redisUrl: urlWith('not-the-password'), issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, publicOrigin: cluster.proxy.url });
    const error = await attempt.then(
      (instance) => instance.stop().then(() => undefined),
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(InstanceStartError);
    const failure = error as InstanceStartError;
    expect(failure.exit).toEqual({ code: 1, signal: null });
    expect(failure.output).toMatch(new RegExp(`wrong-password failed to start: cannot connect to Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}: WRONGPASS`));
    expect(failure.output).not.toContain('not-the-password');
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('an instance given no password does not start either: NOAUTH', async () => {
    const error = await spawnInstance({ name: 'no-password', redisUrl: `redis://127.0.0.1:${redis.port}`, issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, publicOrigin: cluster.proxy.url }).then(
      (instance) => instance.stop().then(() => undefined),
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(InstanceStartError);
    expect((error as InstanceStartError).exit?.code).toBe(1);
    expect((error as InstanceStartError).output).toMatch(/no-password failed to start: cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+\/?: NOAUTH/);
  });
});
