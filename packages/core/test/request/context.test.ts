import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { publicUrl, type PublicOriginSettings, type RequestContext } from '../../src/request/context.js';
import { NodeRequestContext } from '../../src/request/node-context.js';

const direct: PublicOriginSettings = { publicOrigin: undefined, trustProxy: false };
const proxied: PublicOriginSettings = { publicOrigin: undefined, trustProxy: true };

function request(headers: Record<string, string>, target = '/mcp?x=1#f', secure = false): RequestContext {
  return { headers, target, secure };
}

describe('publicUrl: the URL the client used', () => {
  const cases: [string, RequestContext, PublicOriginSettings, string | undefined][] = [
    ['Host and the connection scheme', request({ host: 'api.example.com' }), direct, 'http://api.example.com/mcp'],
    ['TLS connection', request({ host: 'api.example.com:8443' }, '/mcp', true), direct, 'https://api.example.com:8443/mcp'],
    ['absolute-form target: its path, never its host', request({ host: 'api.example.com' }, 'http://evil.example/mcp?q'), direct, 'http://api.example.com/mcp'],
    ['forwarding headers ignored without trustProxy', request({ host: 'internal:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' }), direct, 'http://internal:3000/mcp'],
    ['X-Forwarded-* with trustProxy (first value)', request({ host: 'internal:3000', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'api.example.com, internal' }), proxied, 'https://api.example.com/mcp'],
    ['RFC 7239 Forwarded wins with trustProxy', request({ host: 'internal', forwarded: 'for=1.2.3.4;proto=https;host="api.example.com"', 'x-forwarded-host': 'other.example' }), proxied, 'https://api.example.com/mcp'],
    ['publicOrigin wins over every header', request({ host: 'evil.example', 'x-forwarded-host': 'evil.example' }), { publicOrigin: 'https://api.example.com', trustProxy: true }, 'https://api.example.com/mcp'],
    ['no Host', request({}), direct, undefined],
    ['no target', { headers: { host: 'api.example.com' } }, direct, undefined],
    ['a Host smuggling a path', request({ host: 'api.example.com/evil' }), direct, undefined],
    ['a Host smuggling credentials', request({ host: 'user@evil.example' }), direct, undefined],
    ['a forwarded scheme that is not http(s)', request({ host: 'a.example', 'x-forwarded-proto': 'javascript' }), proxied, undefined],
    ['upper-case host is the same host', request({ host: 'API.Example.COM' }), direct, 'http://api.example.com/mcp'],
    ['a target that is not a URL', request({ host: 'a.example' }, 'not a url'), direct, undefined],
  ];
  for (const [name, input, settings, expected] of cases) {
    it(name, () => {
      expect(publicUrl(input, settings)?.href).toBe(expected);
    });
  }
});

describe('NodeRequestContext', () => {
  it('reads an IncomingMessage lazily: headers, raw headers, method, target, no TLS', () => {
    const incoming = { headers: { authorization: 'Bearer x' }, rawHeaders: ['Authorization', 'Bearer x'], method: 'POST', url: '/a?b', socket: new Socket() };
    const context = new NodeRequestContext(incoming);
    expect([context.headers, context.rawHeaders, context.method, context.target, context.secure, context.peerCertificate]).toEqual([
      incoming.headers,
      incoming.rawHeaders,
      'POST',
      '/a?b',
      false,
      undefined,
    ]);
  });

  it('reports a TLS socket and its client certificate', () => {
    const certificate = { subject: { CN: 'client' }, fingerprint256: 'AA:BB' };
    const socket = { encrypted: true, getPeerCertificate: () => certificate };
    const context = new NodeRequestContext({ headers: {}, socket });
    expect(context.secure).toBe(true);
    expect(context.peerCertificate).toBe(certificate);
    expect(new NodeRequestContext({ headers: {}, socket: { encrypted: true, getPeerCertificate: () => ({}) } }).peerCertificate).toBeUndefined();
  });
});
