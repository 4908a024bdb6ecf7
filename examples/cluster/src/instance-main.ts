/**
 * One instance as its own process, configured by the environment (`cluster.ts` starts three):
 *
 *   CLUSTER_NAME, CLUSTER_REDIS_URL, CLUSTER_ISSUER, CLUSTER_AUDIENCE, CLUSTER_PUBLIC_ORIGIN  (required)
 *   CLUSTER_PORT (default 0), CLUSTER_JWKS_URI, CLUSTER_INTROSPECTION_ENDPOINT with
 *   CLUSTER_INTROSPECTION_CLIENT_ID and CLUSTER_INTROSPECTION_CLIENT_SECRET,
 *   CLUSTER_RATE_POINTS and CLUSTER_RATE_DURATION (default 100 per 60 s), CLUSTER_DENY_LIST=off,
 *   CLUSTER_EXIT_WITH_PARENT=1 (exit when stdin closes, i.e. when the process that started it is gone).
 *
 * Once listening it writes one JSON line to stdout, `{"event":"listening","name":…,"url":…}`.
 * When it cannot start (Redis unreachable or refusing the password, the issuer unusable) it writes
 * the reason to stderr and exits with status 1. SIGTERM and SIGINT stop it (status 0).
 */
import { createInstance, type Instance, type InstanceOptions } from './instance.js';

const env = process.env;

function required(name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

function positiveInteger(name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer (got ${JSON.stringify(text)})`);
  return value;
}

function optionsFromEnvironment(): InstanceOptions {
  const endpoint = env.CLUSTER_INTROSPECTION_ENDPOINT;
  return {
    name: required('CLUSTER_NAME'),
    redisUrl: required('CLUSTER_REDIS_URL'),
    issuer: required('CLUSTER_ISSUER'),
    audience: required('CLUSTER_AUDIENCE'),
    publicOrigin: required('CLUSTER_PUBLIC_ORIGIN'),
    port: Number(env.CLUSTER_PORT ?? 0),
    jwksUri: env.CLUSTER_JWKS_URI || undefined,
    introspection: endpoint ? { endpoint, clientId: required('CLUSTER_INTROSPECTION_CLIENT_ID'), clientSecret: required('CLUSTER_INTROSPECTION_CLIENT_SECRET') } : undefined,
    rateLimit: { points: positiveInteger('CLUSTER_RATE_POINTS', 100), duration: positiveInteger('CLUSTER_RATE_DURATION', 60) },
    denyList: env.CLUSTER_DENY_LIST !== 'off',
  };
}

const label = env.CLUSTER_NAME ?? 'instance';
let instance: Instance | undefined;
let stopping = false;

async function stop(status: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Never hang on the way out.
  setTimeout(() => process.exit(status), 3_000).unref();
  await instance?.close().catch(() => undefined);
  process.exit(status);
}

process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));
if (env.CLUSTER_EXIT_WITH_PARENT === '1') {
  process.stdin.on('data', () => undefined);
  process.stdin.once('close', () => void stop(0));
}

try {
  instance = await createInstance(optionsFromEnvironment());
  process.stdout.write(`${JSON.stringify({ event: 'listening', name: instance.name, url: instance.url, pid: process.pid })}\n`);
} catch (error) {
  process.stderr.write(`${label} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
