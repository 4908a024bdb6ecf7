import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCappedFetch, fetchJson, IssuerResponseError } from '../../src/keys/fetch.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/chunked-huge') {
      // No Content-Length: only counting the streamed bytes can stop this one.
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 64 && response.write(chunk)) sent += 1;
        if (sent >= 64) response.end();
        else response.once('drain', pump);
      };
      pump();
      return;
    }
    if (request.url === '/redirect') {
      response.writeHead(302, { location: '/redirect' }).end();
      return;
    }
    if (request.url === '/missing') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const limits = { fetch: (input: string | URL, init?: RequestInit) => fetch(input, init), timeoutMs: 2_000, maxResponseBytes: 100_000 };

describe('outbound HTTP limits', () => {
  it('reads a small JSON document', async () => {
    await expect(fetchJson(`${base}/ok`, limits)).resolves.toEqual({ ok: true });
  });

  it('stops reading a streamed body past maxResponseBytes, even without Content-Length', async () => {
    await expect(fetchJson(`${base}/chunked-huge`, limits)).rejects.toThrow(IssuerResponseError);
    const capped = createCappedFetch(limits);
    await expect(capped(`${base}/chunked-huge`)).rejects.toThrow(/larger than 100000 bytes/);
  });

  it('never follows redirects', async () => {
    await expect(fetchJson(`${base}/redirect`, limits)).rejects.toThrow(/Expected 200 OK, got 302/);
    const response = await createCappedFetch(limits)(`${base}/redirect`);
    expect(response.status).toBe(302);
  });

  it('treats 404 as "no document"', async () => {
    await expect(fetchJson(`${base}/missing`, limits)).resolves.toBeUndefined();
  });
});
