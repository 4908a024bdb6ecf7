/**
 * The cluster's parts as processes: a `redis-server` on a free port, API instances each in its
 * own Node process (`instance-main.ts`), and the round-robin proxy in front of them. Every wait is
 * bounded, and every process started here is killed when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '@tokengate/testing';
import { startProxy, type Proxy } from './proxy.js';

const HOST = '127.0.0.1';
const STOP_WITHIN_MS = 5_000;
const KEPT_OUTPUT_CHARS = 16_000;

/** The example's directory (the instances run from it) and the instance entry point. */
const EXAMPLE_DIRECTORY = fileURLToPath(new URL('..', import.meta.url));
const INSTANCE_MAIN = fileURLToPath(new URL('./instance-main.ts', import.meta.url));

const children = new Set<ChildProcess>();
let cleanupRegistered = false;

/** Whatever happens to this process, no child outlives it. */
function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once('exit', () => {
    for (const running of children) running.kill('SIGKILL');
  });
}

/** How a process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function exitStatusOf(child: ChildProcess): ExitStatus | undefined {
  return child.exitCode !== null || child.signalCode !== null ? { code: child.exitCode, signal: child.signalCode } : undefined;
}

/** Resolves with the exit status once `child` has exited, or `undefined` after `ms`. */
function exitOf(child: ChildProcess, ms: number): Promise<ExitStatus | undefined> {
  const status = exitStatusOf(child);
  if (status !== undefined) return Promise.resolve(status);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** `signal`, then SIGKILL when the process outlives the bound. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitStatus> {
  if (exitStatusOf(child) === undefined) child.kill(signal);
  let status = await exitOf(child, STOP_WITHIN_MS);
  if (status === undefined) {
    child.kill('SIGKILL');
    status = await exitOf(child, STOP_WITHIN_MS);
  }
  return status ?? { code: null, signal: 'SIGKILL' };
}

// ---------------------------------------------------------------------------------------------
// redis-server

/** A `redis-server` this process started. */
export interface LocalRedis {
  /** `redis://:<password>@127.0.0.1:<port>` (without the password when there is none). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free loopback port, without persistence, requiring `password` when
 * given (`startRedisServer` of @tokengate/testing); rejects with one line saying how to install it.
 */
export async function startRedis(options: { readonly password?: string } = {}): Promise<LocalRedis> {
  const server = await startRedisServer(options);
  const credentials = server.password === undefined ? '' : `:${encodeURIComponent(server.password)}@`;
  return { url: `redis://${credentials}${HOST}:${server.port}`, port: server.port, stop: () => server.stop() };
}

// ---------------------------------------------------------------------------------------------
// Instances

/** What an instance process is told (see `instance-main.ts`). */
export interface InstanceProcessOptions {
  readonly name: string;
  readonly redisUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly publicOrigin: string;
  readonly jwksUri?: string;
  readonly introspection?: { readonly endpoint: string; readonly clientId: string; readonly clientSecret: string };
  readonly rateLimit?: { readonly points: number; readonly duration: number };
  /** Default true. */
  readonly denyList?: boolean;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Milliseconds until the instance must be listening. Default 20000. */
  readonly readyWithinMs?: number;
}

/** An instance running in its own process. */
export interface InstanceProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<ExitStatus>;
  /** The last 16000 characters the process wrote (stdout and stderr). */
  output(): string;
  /** SIGTERM (SIGKILL after 5 s); resolves with how it exited. */
  stop(): Promise<ExitStatus>;
}

/** An instance process that did not get to listening: how it ended, and what it said. */
export class InstanceStartError extends Error {
  override readonly name = 'InstanceStartError';
  /** How it exited, or `undefined` when it was killed for not being ready in time. */
  readonly exit: ExitStatus | undefined;
  readonly output: string;

  constructor(message: string, exit: ExitStatus | undefined, output: string) {
    super(message);
    this.exit = exit;
    this.output = output;
  }
}

function environmentFor(options: InstanceProcessOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CLUSTER_NAME: options.name,
    CLUSTER_REDIS_URL: options.redisUrl,
    CLUSTER_ISSUER: options.issuer,
    CLUSTER_AUDIENCE: options.audience,
    CLUSTER_PUBLIC_ORIGIN: options.publicOrigin,
    CLUSTER_PORT: String(options.port ?? 0),
    CLUSTER_DENY_LIST: options.denyList === false ? 'off' : 'on',
    CLUSTER_EXIT_WITH_PARENT: '1',
  };
  if (options.jwksUri !== undefined) env.CLUSTER_JWKS_URI = options.jwksUri;
  if (options.introspection !== undefined) {
    env.CLUSTER_INTROSPECTION_ENDPOINT = options.introspection.endpoint;
    env.CLUSTER_INTROSPECTION_CLIENT_ID = options.introspection.clientId;
    env.CLUSTER_INTROSPECTION_CLIENT_SECRET = options.introspection.clientSecret;
  }
  if (options.rateLimit !== undefined) {
    env.CLUSTER_RATE_POINTS = String(options.rateLimit.points);
    env.CLUSTER_RATE_DURATION = String(options.rateLimit.duration);
  }
  return env;
}

/**
 * Starts one instance in its own process (`node --import tsx instance-main.ts`) and resolves once
 * it listens. Rejects with an `InstanceStartError` when it exits first (its status and output
 * attached) or is not listening within `readyWithinMs` (it is killed then).
 */
export async function spawnInstance(options: InstanceProcessOptions): Promise<InstanceProcess> {
  const readyWithinMs = options.readyWithinMs ?? 20_000;
  // stdin stays an open pipe: the instance exits when it closes, so it never outlives this process.
  const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE_MAIN], { cwd: EXAMPLE_DIRECTORY, env: environmentFor(options), stdio: ['pipe', 'pipe', 'pipe'] });
  track(child);
  const exited = new Promise<ExitStatus>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let output = '';
  let pending = '';
  let announced: ((url: string) => void) | undefined;
  child.stdout?.on('data', (data: Buffer) => {
    const text = data.toString('utf8');
    output = (output + text).slice(-KEPT_OUTPUT_CHARS);
    pending += text;
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      try {
        const event = JSON.parse(line) as { event?: unknown; url?: unknown };
        if (event.event === 'listening' && typeof event.url === 'string') announced?.(event.url);
      } catch {
        // Not an announcement; kept in the output.
      }
    }
  });
  child.stderr?.on('data', (data: Buffer) => {
    output = (output + data.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
  });

  const outcome = await new Promise<{ url: string } | { exit: ExitStatus | undefined }>((resolve) => {
    const timer = setTimeout(() => resolve({ exit: undefined }), readyWithinMs);
    announced = (url) => {
      clearTimeout(timer);
      resolve({ url });
    };
    void exited.then((exit) => {
      clearTimeout(timer);
      resolve({ exit });
    });
  });
  announced = undefined;
  if (!('url' in outcome)) {
    const { exit } = outcome;
    if (exit === undefined) await stopChild(child, 'SIGKILL');
    const how = exit === undefined ? `was not listening within ${readyWithinMs} ms (killed)` : `exited with ${exit.code !== null ? `status ${exit.code}` : exit.signal} before listening`;
    throw new InstanceStartError(`instance ${options.name} ${how}:\n${output.trim()}`, exit, output);
  }
  return {
    name: options.name,
    url: outcome.url,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    stop: () => stopChild(child),
  };
}

// ---------------------------------------------------------------------------------------------
// The cluster

/** The authorization server the instances trust (a `TestIssuer` fits). */
export interface IssuerSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri?: string;
  readonly introspectionEndpoint?: string;
  readonly introspectionClient?: { readonly clientId: string; readonly clientSecret: string };
}

/** How a cluster is started. */
export interface ClusterOptions {
  /** The Redis every instance shares (credentials in the URL). */
  readonly redisUrl: string;
  readonly issuer: IssuerSettings;
  /** How many instances. Default 3. */
  readonly size?: number;
  /** The proxy's port. Default 0 (any free port). */
  readonly proxyPort?: number;
  /** Per client, across the cluster. Default 100 per 60 s. */
  readonly rateLimit?: { readonly points: number; readonly duration: number };
}

/** A running cluster. */
export interface Cluster {
  readonly proxy: Proxy;
  readonly instances: readonly InstanceProcess[];
  /** Stops the proxy and every instance (not Redis or the issuer: the caller started those). */
  close(): Promise<void>;
}

/**
 * Starts the proxy, then `size` instances (in parallel, each its own process) behind it; their
 * public origin is the proxy's. When one cannot start, the others are stopped and the reason thrown.
 * @example const cluster = await startCluster({ redisUrl: 'redis://:secret@127.0.0.1:6379', issuer });
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { issuer } = options;
  const proxy = await startProxy({ port: options.proxyPort ?? 0 });
  const introspection =
    issuer.introspectionEndpoint !== undefined && issuer.introspectionClient !== undefined
      ? { endpoint: issuer.introspectionEndpoint, clientId: issuer.introspectionClient.clientId, clientSecret: issuer.introspectionClient.clientSecret }
      : undefined;
  const names = Array.from({ length: options.size ?? 3 }, (_, index) => `api-${index + 1}`);
  const started = await Promise.allSettled(
    names.map((name) =>
      spawnInstance({ name, redisUrl: options.redisUrl, issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, introspection, publicOrigin: proxy.url, rateLimit: options.rateLimit }),
    ),
  );
  const instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(instances.map((instance) => instance.stop()));
    await proxy.close();
    throw failure.reason;
  }
  proxy.setTargets(instances.map((instance) => instance.url));
  let closing: Promise<void> | undefined;
  return {
    proxy,
    instances,
    close: () => {
      closing ??= (async () => {
        await proxy.close();
        await Promise.all(instances.map((instance) => instance.stop()));
      })();
      return closing;
    },
  };
}
