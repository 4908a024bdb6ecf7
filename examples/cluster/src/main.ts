/**
 * The cluster demo, one command: `redis-server` on a free port (with a password), a local test
 * issuer, three API instances (each its own process) and a round-robin proxy in front of them.
 * Prints the proxy's URL, tokens and curl lines to try; Ctrl-C stops everything.
 * PORT sets the proxy's port (default 8080).
 */
import { randomBytes } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { startCluster, startRedis, type Cluster, type LocalRedis } from './cluster.js';

const port = Number(process.env.PORT ?? 8080);
let redis: LocalRedis | undefined;
let issuer: TestIssuer | undefined;
let cluster: Cluster | undefined;
let stopping = false;

async function shutdown(status: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    // Every step is bounded; this is the last word.
    setTimeout(() => process.exit(status), 15_000).unref();
    await cluster?.close().catch(() => undefined);
    await issuer?.close().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
  }
  process.exit(status);
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

try {
  redis = await startRedis({ password: randomBytes(12).toString('hex') });
  issuer = await createTestIssuer();
  cluster = await startCluster({ redisUrl: redis.url, issuer, proxyPort: port });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  await shutdown(1);
}

if (cluster !== undefined && issuer !== undefined && redis !== undefined) {
  for (const instance of cluster.instances) {
    void instance.exited.then((exit) => {
      if (!stopping) console.error(`${instance.name} exited (${exit.code ?? exit.signal}); the proxy still sends it its turn:\n${instance.output().trim()}`);
    });
  }
  const api = cluster.proxy.url;
  const token = await issuer.mintUserToken({ sub: 'user-123', clientId: 'demo-web', scopes: ['read'] });
  const opaque = await issuer.mintOpaqueToken({ sub: 'user-456', clientId: 'demo-cli', scopes: ['read'] });
  console.log(`Proxy:      ${api}  (round robin over ${cluster.instances.map((instance) => `${instance.name} ${instance.url}`).join(', ')})`);
  console.log(`Redis:      ${redis.url}`);
  console.log(`Issuer:     ${issuer.issuer}`);
  console.log('');
  console.log(`TOKEN=${token}`);
  console.log(`OPAQUE=${opaque}`);
  console.log('');
  console.log('# Each call lands on the next instance ("instance": "api-1", "api-2", …):');
  console.log(`curl -s ${api}/v1/me -H "Authorization: Bearer $TOKEN"`);
  console.log('# An opaque token: introspected once, the answer shared by every instance through Redis:');
  console.log(`curl -s ${api}/v1/me -H "Authorization: Bearer $OPAQUE"`);
  console.log('# Revoke user-123 (an operator script on the same Redis); the next call to every instance is 401:');
  console.log(`CLUSTER_REDIS_URL='${redis.url}' pnpm --filter @tokengate/example-cluster revoke sub=user-123`);
  console.log('# 100 requests per client per minute across the cluster, then 429 with Retry-After:');
  console.log(`for i in $(seq 101); do curl -s -o /dev/null -w '%{http_code} ' ${api}/v1/me -H "Authorization: Bearer $OPAQUE"; done; echo`);
  console.log('');
  console.log('Ctrl-C stops everything.');
}
