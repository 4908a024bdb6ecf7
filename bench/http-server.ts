/**
 * One benchmark server per process (started by `http.ts`, pinned to its own core when `taskset`
 * exists). Listens on 127.0.0.1, reports its port over IPC, and reports its CPU use between a
 * `mark` and a `read` message. An anchor's server loads bench/anchors; the default ones do not.
 *
 *   node --import tsx bench/http-server.ts <server-id> '<json settings>'
 */
import { CORE_SERVERS, type ServerSettings } from './lib/servers.js';
import { coreServer } from './lib/core-servers.js';
import type { Started } from './lib/server-app.js';
import type { AnchorId } from './anchors/servers.js';

async function build(id: string, settings: ServerSettings): Promise<Started> {
  const core = CORE_SERVERS.find((spec) => spec.id === id);
  if (core !== undefined) return coreServer(core, settings);
  const { ANCHOR_SERVERS } = await import('./anchors/servers.js');
  if (!ANCHOR_SERVERS.some((spec) => spec.id === id)) throw new Error(`Unknown server ${id}`);
  const { anchorServer } = await import('./anchors/http-servers.js');
  return anchorServer(id as AnchorId, settings);
}

/** Answers the load generator's `mark`, `read` and `stop` messages. */
function serve(server: Started): void {
  let cpuMark = process.cpuUsage();
  let timeMark = process.hrtime.bigint();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'mark') {
      cpuMark = process.cpuUsage();
      timeMark = process.hrtime.bigint();
      process.send?.({ type: 'marked' });
    } else if (message.type === 'read') {
      const used = process.cpuUsage(cpuMark);
      const elapsedUs = Number(process.hrtime.bigint() - timeMark) / 1000;
      const total = process.cpuUsage();
      process.send?.({
        type: 'cpu',
        percent: ((used.user + used.system) / elapsedUs) * 100,
        totalSeconds: (total.user + total.system) / 1e6,
        cachedTokens: server.cachedTokens?.(),
      });
    } else if (message.type === 'stop') {
      void server.close().finally(() => process.exit(0));
    }
  });
  // Never outlive the benchmark that started this server.
  process.on('disconnect', () => process.exit(0));
}

const server = await build(process.argv[2] ?? '', JSON.parse(process.argv[3] ?? '{}') as ServerSettings);
const port = await server.listen();
serve(server);
process.send?.({ type: 'listening', port });
