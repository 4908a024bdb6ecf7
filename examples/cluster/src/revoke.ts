/**
 * The operator's side of the deny list: revoke tokens in the Redis every instance shares, and
 * every instance refuses them on their next request.
 *
 *   CLUSTER_REDIS_URL=redis://:password@127.0.0.1:6379 pnpm --filter @tokengate/example-cluster revoke sub=user-123 [minutes=60]
 *
 * One of `jti=<token id>`, `sub=<subject>`, `client=<client id>` (or several); the revocation
 * holds for `minutes` (default 60: make it outlive the tokens it is meant for).
 */
import { createDenyList, type Revocation } from '@tokengate/core';
import { redisStore } from '@tokengate/redis';
import { connectRedis, redactRedisUrl } from './instance.js';

const USAGE = 'usage: CLUSTER_REDIS_URL=redis://… revoke jti=<id> | sub=<subject> | client=<client id> [minutes=60]';

function parse(args: readonly string[]): { revocation: Revocation; minutes: number } {
  const fields = new Map(args.filter((arg) => arg !== '--').map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] as const));
  const revocation: Revocation = { jti: fields.get('jti'), sub: fields.get('sub'), clientId: fields.get('client') };
  const minutes = Number(fields.get('minutes') ?? 60);
  if (revocation.jti === undefined && revocation.sub === undefined && revocation.clientId === undefined) throw new Error(USAGE);
  if (!(minutes > 0)) throw new Error(`minutes must be a positive number\n${USAGE}`);
  return { revocation, minutes };
}

const url = process.env.CLUSTER_REDIS_URL;
try {
  if (url === undefined || url === '') throw new Error(USAGE);
  const { revocation, minutes } = parse(process.argv.slice(2));
  const client = await connectRedis(url, 5_000);
  try {
    await createDenyList({ store: redisStore(client) }).revoke(revocation, { until: new Date(Date.now() + minutes * 60_000) });
  } finally {
    client.destroy();
  }
  console.log(`Revoked ${JSON.stringify(revocation)} for ${minutes} min in ${redactRedisUrl(url)}: every instance refuses it from its next request.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
