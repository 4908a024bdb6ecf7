import { describe, expect, it } from 'vitest';
import { rejectionOf } from '@tokengate/test-support';
import { createTestIssuer } from '../src/index.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function listeningServers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length;
}

describe('close', () => {
  it('closes promptly with a keep-alive connection open', async () => {
    const before = listeningServers();
    const issuer = await createTestIssuer({ algorithm: 'ES256' });
    expect(listeningServers()).toBe(before + 1);
    const response = await fetch(issuer.jwksUri, { headers: { connection: 'keep-alive' } });
    expect(response.status).toBe(200);
    await response.text();
    const started = Date.now();
    await issuer.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await pause(50); // libuv releases closed handles on the next loop turns
    expect(listeningServers()).toBe(before);
    expect((await rejectionOf(fetch(issuer.jwksUri))).message).toBe('fetch failed');
  });

  it('is idempotent', async () => {
    const issuer = await createTestIssuer({ algorithm: 'ES256' });
    await issuer.close();
    await expect(issuer.close()).resolves.toBeUndefined();
  });

  it('drops a response delayed by slowMs instead of waiting for it', async () => {
    const issuer = await createTestIssuer({ algorithm: 'ES256' });
    issuer.faults.slowMs = 5000;
    const pending = rejectionOf(fetch(issuer.jwksUri));
    await pause(100);
    expect(issuer.fetchCounts.jwks).toBe(1);
    const started = Date.now();
    await issuer.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await pending).message).toBe('fetch failed');
    await pause(50);
    expect(process.getActiveResourcesInfo()).not.toContain('TCPServerWrap');
  });
});

describe('several issuers', () => {
  it('get distinct ports and keys', async () => {
    const [a, b] = await Promise.all([createTestIssuer({ algorithm: 'ES256' }), createTestIssuer({ algorithm: 'ES256' })]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.currentKid).not.toBe(b.currentKid);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
