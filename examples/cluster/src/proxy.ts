/**
 * A tiny round-robin reverse proxy on 127.0.0.1 (node:http only): each request goes to the next
 * instance in turn, its body and the answer streamed through unchanged apart from hop-by-hop
 * headers. An instance that cannot be reached gives 502; one that does not answer in time, 504.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './listen.js';

/** A running proxy. */
export interface Proxy {
  /** `http://127.0.0.1:<port>`: the origin clients call (and DPoP proofs name). */
  readonly url: string;
  readonly port: number;
  /** The instances requests go to, in turn; replaces the previous list. */
  setTargets(targets: readonly string[]): void;
  /** How many requests each target was sent. */
  forwarded(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** How a proxy is started. */
export interface ProxyOptions {
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Instance URLs (`http://127.0.0.1:3001`); more can be set later with `setTargets`. */
  readonly targets?: readonly string[];
  /** Milliseconds an instance has to answer. Default 10000. */
  readonly timeoutMs?: number;
}

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set((typeof headers.connection === 'string' ? headers.connection : '').split(',').map((name) => name.trim().toLowerCase()));
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) kept[name] = value;
  }
  return kept;
}

function problem(status: number, title: string): string {
  return JSON.stringify({ type: 'about:blank', title, status });
}

/**
 * Starts the proxy.
 * @example const proxy = await startProxy({ port: 8080, targets: ['http://127.0.0.1:3001', 'http://127.0.0.1:3002'] });
 */
export async function startProxy(options: ProxyOptions = {}): Promise<Proxy> {
  let targets: URL[] = (options.targets ?? []).map((target) => new URL(target));
  const counts = new Map<string, number>();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let turn = 0;

  const server = createServer((req, res) => {
    let failed = false;
    const fail = (status: number, title: string) => {
      if (failed || res.destroyed) return;
      failed = true;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/problem+json' }).end(problem(status, title));
    };
    const target = targets[turn % Math.max(targets.length, 1)];
    turn = (turn + 1) % 1_000_000;
    if (target === undefined) {
      fail(503, 'No instance to forward to');
      return;
    }
    counts.set(target.origin, (counts.get(target.origin) ?? 0) + 1);
    const headers = endToEnd(req.headers);
    const peer = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = typeof req.headers['x-forwarded-for'] === 'string' ? `${req.headers['x-forwarded-for']}, ${peer}` : peer;
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent, timeout: timeoutMs }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      answer.pipe(res);
      answer.once('error', () => res.destroy());
    });
    upstream.once('timeout', () => {
      upstream.destroy();
      fail(504, 'The instance did not answer in time');
    });
    upstream.once('error', () => fail(502, 'The instance could not be reached'));
    // A client that goes away takes its upstream request with it.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });

  const port = await listenOnLoopback(server, options.port);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setTargets: (next) => {
      targets = next.map((target) => new URL(target));
    },
    forwarded: () => Object.fromEntries(counts),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      });
      return closing;
    },
  };
}
