// `pnpm demo` run in-process: every curl line it prints gets the status printed next to it.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../scripts/demo.js';

let demo: Demo;
const printed: string[] = [];

beforeAll(async () => {
  demo = await startDemo({ port: 0, log: (text) => printed.push(text) });
});

afterAll(async () => {
  await demo?.close();
});

describe('pnpm demo', () => {
  it('prints every curl line', () => {
    const output = printed.join('\n');
    expect(output).toContain(demo.url);
    for (const line of demo.lines) expect(output).toContain(line.curl);
  });

  it('covers each token on a route that takes it and one that refuses it, no token and a missing scope', () => {
    const has = (token: string, ok: boolean) => demo.lines.some((line) => line.token === token && line.expectedStatus < 400 === ok);
    expect([has('user', true), has('user', false), has('client', true), has('client', false)]).toEqual([true, true, true, true]);
    expect(demo.lines.some((line) => line.token === 'none' && line.expectedStatus === 401)).toBe(true);
    expect(demo.lines.some((line) => line.expectedStatus === 403 && line.expectedError === 'insufficient_scope')).toBe(true);
  });

  it('answers every line with the printed status', async () => {
    for (const line of demo.lines) {
      const response = await fetch(line.url, { method: line.method, headers: line.headers });
      const body = (await response.json()) as { error?: string };
      expect({ line: line.description, status: response.status, error: body.error }).toEqual({
        line: line.description,
        status: line.expectedStatus,
        error: line.expectedError,
      });
    }
  });

  it('prints well-formed curl commands', () => {
    for (const line of demo.lines) {
      expect(line.url.startsWith(`${demo.url}/`)).toBe(true);
      expect(line.curl.startsWith(`curl -i${line.method === 'GET' ? '' : ` -X ${line.method}`} '${line.url}'`)).toBe(true);
      expect(line.curl).toMatch(new RegExp(` # expect ${line.expectedStatus}${line.expectedError ? ` ${line.expectedError}` : ''}$`));
      const authorization = line.headers.authorization;
      if (line.token === 'none') {
        expect(authorization).toBeUndefined();
        expect(line.curl).not.toContain('Authorization');
      } else {
        expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
        expect(line.curl).toContain(` -H 'Authorization: ${authorization}'`);
      }
      // Every quote is closed before the comment, so the line pastes into a shell as one command.
      expect(line.curl.split(' #')[0]!.split("'").length % 2).toBe(1);
    }
  });

  it('falls back to a free port when the requested one is busy, and closes cleanly', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    const messages: string[] = [];
    const other = await startDemo({ port: busy, log: (text) => messages.push(text) });
    try {
      expect(other.url).not.toBe(`http://127.0.0.1:${busy}`);
      expect(messages[0]).toContain(`Port ${busy} is busy`);
      expect((await fetch(`${other.url}/health`)).status).toBe(200);
    } finally {
      await other.close();
      await other.close(); // twice is fine
      await new Promise((resolve) => blocker.close(resolve));
    }
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
  });
});
