/**
 * The HTTP family's server processes, seen from the load generator: each server runs in its own
 * child process (bench/http-server.ts), pinned to core 1 when this process is pinned to core 0.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerSettings } from './servers.js';

const serverFile = fileURLToPath(new URL('../http-server.ts', import.meta.url));

export interface ServerChild {
  readonly child: ChildProcess;
  readonly port: number;
  request<T>(message: { type: string }, answer: string): Promise<T>;
}

/** Pin this process (every thread) to core 0; servers go to core 1. */
export function pinSelf(): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `profileDir` (set by `run.ts --cpu-prof`): profile each server into <dir>/<server-id>. */
function spawnServer(id: string, settings: ServerSettings, pinned: boolean, profileDir: string | undefined): ChildProcess {
  const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${id}`] : [];
  const nodeArgs = [...profileArgs, '--import', 'tsx', serverFile, id, JSON.stringify(settings)];
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  return pinned ? spawn('taskset', ['-c', '1', process.execPath, ...nodeArgs], { stdio }) : spawn(process.execPath, nodeArgs, { stdio });
}

/** Send `message` and wait for the reply of type `answer`. */
function requester(child: ChildProcess, id: string): ServerChild['request'] {
  return <T>(message: { type: string }, answer: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id}: no ${answer} message`)), 30_000);
      const onMessage = (reply: { type: string } & Record<string, unknown>) => {
        if (reply.type !== answer) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(reply as T);
      };
      child.on('message', onMessage);
      child.send(message);
    });
}

export function startServer(id: string, settings: ServerSettings, pinned: boolean, profileDir: string | undefined): Promise<ServerChild> {
  const child = spawnServer(id, settings, pinned, profileDir);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} did not start`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${id} exited with ${code}`)));
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type !== 'listening' || message.port === undefined) return;
      clearTimeout(timer);
      resolve({ child, port: message.port, request: requester(child, id) });
    });
  });
}

/**
 * Start every server up front, two at a time (each idle until its turn), so start-up costs no
 * time between measurements. `ready` settles when all have started or failed.
 */
export function startAll(ids: readonly string[], start: (id: string) => Promise<ServerChild>): { started: Map<string, Promise<ServerChild>>; ready: Promise<unknown> } {
  const started = new Map<string, Promise<ServerChild>>();
  const queue = [...ids];
  const starter = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const pending = start(id);
      started.set(id, pending);
      await pending.catch(() => undefined);
    }
  };
  return { started, ready: Promise.all([starter(), starter()]) };
}

/**
 * Stop a server. Killed and not waited for, so its exit costs the next measurement nothing; a
 * profiled server is stopped cleanly instead (V8 writes the profile on a normal exit).
 */
export async function stopServer(server: ServerChild, profiled: boolean): Promise<void> {
  server.child.removeAllListeners('exit');
  if (!profiled) {
    server.child.kill('SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.send({ type: 'stop' });
  await exited;
}
