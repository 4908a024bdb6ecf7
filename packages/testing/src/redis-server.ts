/**
 * A real `redis-server` for tests (and demos) of APIs that share state through `@tokengate/redis`:
 * spawned on a free loopback port with no persistence, stopped, restarted on the same port or
 * killed by the test, and never left behind when the process exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running server the test controls. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`, without credentials. */
  readonly url: string;
  readonly port: number;
  /** The password the server requires, when it requires one. */
  readonly password: string | undefined;
  /** Stops the server (SIGTERM, then SIGKILL if it has not exited within 5 s). */
  stop(): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port and waits until it answers. */
  restart(): Promise<void>;
  /** Ends the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

/** How the server is started. */
export interface RedisServerOptions {
  /** Require this password (`--requirepass`). */
  readonly password?: string;
}

const MISSING = 'redis-server is needed for these tests: apt-get install -y redis-server (Debian/Ubuntu) or brew install redis';
const HOST = '127.0.0.1';
const READY_WITHIN_MS = 5_000;
const EXIT_WITHIN_MS = 5_000;
const POLL_EVERY_MS = 50;

const running = new Set<ChildProcess>();
let cleanupRegistered = false;

/** The binary: the Debian path, else the first `redis-server` on PATH. */
function binary(): string {
  const candidates = ['/usr/bin/redis-server', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'redis-server'))];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next place.
    }
  }
  throw new Error(MISSING);
}

/** The server's major version (`DEBUG` needs switching on from 7). */
function majorVersion(path: string): number {
  const output = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 5_000 }).stdout ?? '';
  return Number(/v=(\d+)/.exec(output)?.[1] ?? 0);
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether the server answers an inline PING (`+PONG`, or `-NOAUTH` when it wants a password). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString('latin1'))));
  });
}

/** Resolves when `child` has exited, or after `ms` (false then). */
function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Ends `child` with `signal`, then SIGKILL when it outlives the bound. */
async function end(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  if (!(await exited(child, EXIT_WITHIN_MS))) {
    child.kill('SIGKILL');
    await exited(child, EXIT_WITHIN_MS);
  }
  running.delete(child);
}

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Spawns the server on `port` and resolves once it answers; rejects with its output if it does not. */
async function launch(path: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (data: Buffer) => {
    output = (output + data.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const port = Number(args[1]);
  const deadline = Date.now() + READY_WITHIN_MS;
  for (let attempt = 0; attempt < READY_WITHIN_MS / POLL_EVERY_MS && Date.now() < deadline; attempt += 1) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await answers(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
  await end(child, 'SIGKILL');
  throw new Error(`redis-server did not start on port ${port} within ${READY_WITHIN_MS} ms:\n${output.trim()}`);
}

function argumentsFor(port: number, directory: string, major: number, password: string | undefined): string[] {
  const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', directory, '--loglevel', 'warning'];
  // DEBUG SLEEP simulates a slow server; Redis 7 refuses DEBUG unless it is switched on.
  if (major >= 7) args.push('--enable-debug-command', 'yes');
  if (password !== undefined) args.push('--requirepass', password);
  return args;
}

/**
 * Starts a `redis-server` for a test file; stop it in `afterAll`.
 * @example const server = await startRedisServer(); const client = createClient({ url: server.url });
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const path = binary();
  const major = majorVersion(path);
  registerCleanup();
  const directory = mkdtempSync(join(tmpdir(), 'tokengate-redis-'));
  let started: { child: ChildProcess; args: string[] } | undefined;
  // Another process may take the free port before the server binds it: three tries.
  for (let attempt = 1; started === undefined; attempt += 1) {
    const args = argumentsFor(await freePort(), directory, major, options.password);
    try {
      started = { child: await launch(path, args), args };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const { args } = started;
  let child: ChildProcess | undefined = started.child;
  const port = Number(args[1]);
  const halt = async (signal: NodeJS.Signals) => {
    if (child !== undefined) await end(child, signal);
    child = undefined;
  };
  return {
    url: `redis://${HOST}:${port}`,
    port,
    password: options.password,
    stop: async () => {
      await halt('SIGTERM');
      rmSync(directory, { recursive: true, force: true });
    },
    restart: async () => {
      await halt('SIGTERM');
      mkdirSync(directory, { recursive: true });
      child = await launch(path, args);
    },
    kill: () => halt('SIGKILL'),
  };
}
