// Certificate-bound tokens (RFC 8705 §3): which client certificate a request has (from the TLS
// socket, or from a header believed only from trusted proxies), the validation of the `mtls`
// option, the binding rule of the verifier, and the metadata that advertises it.
import type { PeerCertificate } from 'node:tls';
import { createVerifier, protectedResourceMetadata, type Verifier, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { invalidToken } from '@tokengate/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateThumbprint } from '../../src/platform/node/certificate.js';
import { resolveMtls, type ResolvedMtls } from '../../src/options/binding.js';
import type { MtlsOptions } from '../../src/options/binding-types.js';
import type { RequestContext } from '../../src/request/context.js';
import { createTestCertificates, type TestCertificates } from '../../../../test/support/certificates.js';
import { makeProof, ORIGIN, proofKeys, URL_PATH } from './proofs.js';

let certificates: TestCertificates;
beforeAll(() => {
  certificates = createTestCertificates();
});

const HEADER = 'X-Client-Cert';
const SOCKET = resolveMtls({ certificate: 'socket' }) as ResolvedMtls;

/** The resolved header source trusting `proxies`. */
function fromHeader(proxies: readonly string[], header = HEADER): ResolvedMtls {
  return resolveMtls({ certificate: { header, trustedProxies: proxies } }) as ResolvedMtls;
}

/** A peer certificate as Node's `getPeerCertificate()` gives it; only `raw` is read. */
const peer = (raw: Buffer): PeerCertificate => ({ raw }) as PeerCertificate;

/** A request from `remoteAddress` (none when `undefined`) carrying `value` in the certificate header. */
const from = (remoteAddress: string | undefined, value: string | string[]): RequestContext => ({ headers: { 'x-client-cert': value }, remoteAddress });
/** A request from 127.0.0.1 carrying `value` in the certificate header. */
const forwarded = (value: string | string[]): RequestContext => from('127.0.0.1', value);

const oneLine = (pem: string): string => pem.trim().replace(/\n/g, ' ');

describe('the certificate of the TLS connection (certificate: "socket")', () => {
  it('is the thumbprint of the DER of the peer certificate', () => {
    expect(certificateThumbprint({ headers: {}, peerCertificate: peer(certificates.clientA.der) }, SOCKET)).toBe(certificates.clientA.thumbprint);
    expect(certificateThumbprint({ headers: {}, peerCertificate: peer(certificates.selfSigned.der) }, SOCKET)).toBe(certificates.selfSigned.thumbprint);
  });

  it('is none without a request, a peer certificate or its bytes', () => {
    expect(certificateThumbprint(undefined, SOCKET)).toBeUndefined();
    expect(certificateThumbprint({ headers: {} }, SOCKET)).toBeUndefined();
    expect(certificateThumbprint({ headers: {}, peerCertificate: peer(Buffer.alloc(0)) }, SOCKET)).toBeUndefined();
  });

  it('ignores a certificate header, from whatever peer', () => {
    expect(certificateThumbprint({ ...forwarded(oneLine(certificates.clientA.cert)), peerCertificate: undefined }, SOCKET)).toBeUndefined();
    expect(certificateThumbprint({ ...forwarded(oneLine(certificates.clientA.cert)), peerCertificate: peer(certificates.clientB.der) }, SOCKET)).toBe(certificates.clientB.thumbprint);
  });
});

describe('the certificate forwarded by a trusted proxy (certificate: { header, trustedProxies })', () => {
  const trusted = (): ResolvedMtls => fromHeader(['127.0.0.1']);

  it('is read in each encoding proxies use', () => {
    const pem = certificates.clientA.cert;
    const encodings: ReadonlyArray<readonly [string, string]> = [
      ['PEM', pem],
      ['PEM with its line breaks turned into spaces', oneLine(pem)],
      ['PEM without line breaks', pem.replace(/\n/g, '')],
      ['URL-encoded PEM (nginx $ssl_client_escaped_cert)', encodeURIComponent(pem)],
      ['base64 DER', certificates.clientA.der.toString('base64')],
      ['base64url DER', certificates.clientA.der.toString('base64url')],
      ['base64 DER with surrounding spaces', ` ${certificates.clientA.der.toString('base64')} `],
    ];
    for (const [name, value] of encodings) expect(certificateThumbprint(forwarded(value), trusted()), name).toBe(certificates.clientA.thumbprint);
  });

  it('comes from the configured header, whatever the case it is configured in, and not from the socket', () => {
    const mixedCase = fromHeader(['127.0.0.1'], 'x-CLIENT-cert');
    expect(certificateThumbprint(forwarded(oneLine(certificates.clientA.cert)), mixedCase)).toBe(certificates.clientA.thumbprint);
    expect(certificateThumbprint({ ...forwarded(oneLine(certificates.clientB.cert)), peerCertificate: peer(certificates.clientA.der) }, trusted())).toBe(certificates.clientB.thumbprint);
    expect(certificateThumbprint({ headers: { 'x-other-cert': oneLine(certificates.clientA.cert) }, remoteAddress: '127.0.0.1', peerCertificate: peer(certificates.clientA.der) }, trusted())).toBeUndefined();
  });

  it('is believed only from a listed address or range, IPv4 or IPv6', () => {
    const value = oneLine(certificates.clientA.cert);
    const believed: ReadonlyArray<readonly [string, readonly string[]]> = [
      ['127.0.0.1', ['127.0.0.1']],
      ['10.20.30.40', ['10.0.0.0/8']],
      ['192.168.1.7', ['10.0.0.0/8', '192.168.1.0/24']],
      ['::1', ['::1']],
      ['2001:db8::5', ['2001:db8::/32']],
      // An IPv4 peer on a dual-stack socket.
      ['::ffff:127.0.0.1', ['127.0.0.1']],
      ['::ffff:10.1.2.3', ['10.0.0.0/8']],
    ];
    for (const [address, proxies] of believed) expect(certificateThumbprint(from(address, value), fromHeader(proxies)), `${address} in ${proxies.join(' ')}`).toBe(certificates.clientA.thumbprint);
    const ignored: ReadonlyArray<readonly [string | undefined, readonly string[]]> = [
      ['127.0.0.2', ['127.0.0.1']],
      ['127.0.0.1', ['10.0.0.0/8']],
      ['11.0.0.1', ['10.0.0.0/8']],
      ['::ffff:11.0.0.1', ['10.0.0.0/8']],
      ['::2', ['::1']],
      ['2001:db9::5', ['2001:db8::/32']],
      ['::1', ['127.0.0.1']],
      [undefined, ['127.0.0.1']],
    ];
    for (const [address, proxies] of ignored) expect(certificateThumbprint(from(address, value), fromHeader(proxies)), `${address} not in ${proxies.join(' ')}`).toBeUndefined();
  });

  it('is none when the header is absent, repeated or not a certificate', () => {
    const der = certificates.clientA.der;
    const values: ReadonlyArray<readonly [string, string | string[]]> = [
      ['empty', ''],
      ['garbage', 'garbage'],
      ['a list of values', [oneLine(certificates.clientA.cert), oneLine(certificates.clientA.cert)]],
      ['base64 of bytes that are no certificate', Buffer.from('not a certificate, though long enough to look like one').toString('base64')],
      ['a PEM block of bytes that are no certificate', `-----BEGIN CERTIFICATE----- ${Buffer.from('not a certificate').toString('base64')} -----END CERTIFICATE-----`],
      ['a truncated certificate', der.subarray(0, der.length - 10).toString('base64')],
      ['malformed percent-encoding', `${encodeURIComponent(certificates.clientA.cert)}%E0%A4%A`],
      ['characters outside base64', `${der.toString('base64')}!`],
      ['a PEM private key', certificates.clientA.key],
      ['too long (over 16 KiB)', `${oneLine(certificates.clientA.cert)}${' '.repeat(16_384)}`],
      ['two certificates joined (a repeated header)', `${oneLine(certificates.clientB.cert)}, ${oneLine(certificates.clientA.cert)}`],
      ['two URL-encoded certificates joined', `${encodeURIComponent(certificates.clientB.cert)},${encodeURIComponent(certificates.clientA.cert)}`],
    ];
    for (const [name, value] of values) expect(certificateThumbprint(forwarded(value), trusted()), name).toBeUndefined();
    expect(certificateThumbprint({ headers: {}, remoteAddress: '127.0.0.1' }, trusted())).toBeUndefined();
  });
});

describe('the mtls option', () => {
  it('is "socket" or a header with its trusted proxies, kept as given', () => {
    expect(resolveMtls(undefined)).toBeUndefined();
    expect(resolveMtls({ certificate: 'socket' })).toEqual({ certificate: 'socket' });
    const resolved = fromHeader(['10.0.0.0/8', '::1', '192.168.0.1']);
    expect(resolved.certificate).toMatchObject({ header: 'x-client-cert', proxies: ['10.0.0.0/8', '::1', '192.168.0.1'] });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  const refused: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['not an object', 'socket', /"mtls" option must be an object/],
    ['an unknown member', { certificate: 'socket', header: HEADER }, /Unknown option "header" in the "mtls" options/],
    ['no certificate source', {}, /"mtls.certificate" option must be "socket" or \{ header, trustedProxies \}/],
    ['another certificate source', { certificate: 'tls' }, /"mtls.certificate" option must be "socket"/],
    ['a null certificate source', { certificate: null }, /"mtls.certificate" option must be "socket"/],
    ['an unknown member of the header source', { certificate: { header: HEADER, trustedProxies: ['10.0.0.1'], trustProxy: true } }, /Unknown option "trustProxy" in the "mtls.certificate" options/],
    ['no header name', { certificate: { trustedProxies: ['10.0.0.1'] } }, /"mtls.certificate.header" option must be a header name/],
    ['an empty header name', { certificate: { header: '', trustedProxies: ['10.0.0.1'] } }, /"mtls.certificate.header" option must be a header name/],
    ['a header name with a space', { certificate: { header: 'X Client Cert', trustedProxies: ['10.0.0.1'] } }, /"mtls.certificate.header" option must be a header name/],
    ['a header name with a colon', { certificate: { header: 'X-Client-Cert:', trustedProxies: ['10.0.0.1'] } }, /"mtls.certificate.header" option must be a header name/],
    ['no trusted proxies', { certificate: { header: HEADER } }, /"mtls.certificate.trustedProxies" option must be a non-empty array/],
    ['an empty list of trusted proxies', { certificate: { header: HEADER, trustedProxies: [] } }, /"mtls.certificate.trustedProxies" option must be a non-empty array/],
    ['a single proxy not in a list', { certificate: { header: HEADER, trustedProxies: '10.0.0.1' } }, /"mtls.certificate.trustedProxies" option must be a non-empty array/],
    ['a host name', { certificate: { header: HEADER, trustedProxies: ['localhost'] } }, /contains "localhost", which is not an IP address or CIDR range/],
    ['a number', { certificate: { header: HEADER, trustedProxies: [10] } }, /contains 10, which is not an IP address or CIDR range/],
    ['an IPv4 prefix over 32', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/33'] } }, /contains "10.0.0.0\/33"/],
    ['an IPv6 prefix over 128', { certificate: { header: HEADER, trustedProxies: ['::1/129'] } }, /contains "::1\/129"/],
    ['a negative prefix', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/-1'] } }, /contains "10.0.0.0\/-1"/],
    ['a fractional prefix', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/8.5'] } }, /contains "10.0.0.0\/8.5"/],
    ['an empty prefix', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/'] } }, /contains "10.0.0.0\/"/],
    ['two prefixes', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/8/16'] } }, /contains "10.0.0.0\/8\/16"/],
    ['a bad entry after good ones', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/8', '300.0.0.1'] } }, /contains "300.0.0.1"/],
    ['a prefix with a space', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/ 8'] } }, /contains "10.0.0.0\/ 8"/],
    ['a prefix in hexadecimal', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/0x8'] } }, /contains "10.0.0.0\/0x8"/],
    ['a prefix in exponent form', { certificate: { header: HEADER, trustedProxies: ['10.0.0.0/1e1'] } }, /contains "10.0.0.0\/1e1"/],
    ['an IPv6 zone id', { certificate: { header: HEADER, trustedProxies: ['fe80::1%eth0'] } }, /contains "fe80::1%eth0"/],
    ['the Authorization header', { certificate: { header: 'Authorization', trustedProxies: ['10.0.0.1'] } }, /"mtls.certificate.header" option cannot be "Authorization"/],
    ['the DPoP header', { certificate: { header: 'dpop', trustedProxies: ['10.0.0.1'] } }, /"mtls.certificate.header" option cannot be "dpop"/],
  ];
  for (const [name, mtls, message] of refused) {
    it(`refuses ${name}`, () => {
      const resolve = () => resolveMtls(mtls as MtlsOptions);
      expect(resolve).toThrow(TypeError);
      expect(resolve).toThrow(message);
    });
  }

  it('is validated by createVerifier', () => {
    expect(() => createVerifier({ issuer: 'https://auth.example.com/', audience: 'api', mtls: { certificate: { header: HEADER, trustedProxies: [] } } })).toThrow(/"mtls.certificate.trustedProxies" option must be a non-empty array/);
  });

  it('is advertised in the protected-resource metadata (RFC 8705 §3.3), only when set', () => {
    const metadata = (mtls: VerifierOptions['mtls']) => protectedResourceMetadata(createVerifier({ issuer: 'https://auth.example.com/', resource: 'https://api.example.com/v1', mtls }))?.document;
    expect(metadata({ certificate: 'socket' })?.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(metadata({ certificate: { header: HEADER, trustedProxies: ['10.0.0.0/8'] } })?.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(metadata(undefined)).not.toHaveProperty('tls_client_certificate_bound_access_tokens');
  });
});

describe('the binding rule of the verifier', () => {
  let issuer: TestIssuer;
  let bound: string;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    bound = await issuer.mintUserToken({ claims: { cnf: { 'x5t#S256': certificates.clientA.thumbprint } } });
  });
  afterAll(() => issuer.close());

  const verifier = (options: Partial<VerifierOptions> = {}): Verifier => createVerifier({ issuer: issuer.issuer, audience: issuer.audience, mtls: { certificate: 'socket' }, ...options });
  const withCertificate = (token: string, raw?: Buffer): RequestContext => ({ headers: { authorization: `Bearer ${token}` }, peerCertificate: raw === undefined ? undefined : peer(raw) });

  it('accepts the token with its certificate and shows the binding', async () => {
    await expect(verifier().authenticate(withCertificate(bound, certificates.clientA.der))).resolves.toMatchObject({ confirmation: { x5tS256: certificates.clientA.thumbprint } });
  });

  it('refuses it with another certificate, without one, or where certificates are not checked', async () => {
    expect((await invalidToken(verifier().authenticate(withCertificate(bound, certificates.clientB.der)))).description).toBe('The access token is bound to another client certificate');
    expect((await invalidToken(verifier().authenticate(withCertificate(bound)))).description).toBe('The access token is bound to a client certificate, and the request came without one');
    expect((await invalidToken(verifier().verify(bound))).description).toBe('The access token is bound to a client certificate, and the request came without one');
    expect((await invalidToken(verifier({ mtls: undefined }).authenticate(withCertificate(bound, certificates.clientA.der)))).description).toBe('The access token is bound to a client certificate (cnf x5t#S256), which this API does not check');
  });

  it('checks the certificate of a token bound to both a DPoP key and a certificate, presented with its proof', async () => {
    const keys = proofKeys('ES256');
    const both = await issuer.mintUserToken({ claims: { cnf: { jkt: keys.thumbprint, 'x5t#S256': certificates.clientA.thumbprint } } });
    const dpop = verifier({ dpop: {}, publicOrigin: ORIGIN });
    const request = (raw: Buffer): RequestContext => ({ method: 'GET', target: URL_PATH, headers: { host: 'api.example.com', authorization: `DPoP ${both}`, dpop: makeProof(keys, { token: both }) }, peerCertificate: peer(raw) });
    await expect(dpop.authenticate(request(certificates.clientA.der))).resolves.toMatchObject({ confirmation: { jkt: keys.thumbprint, x5tS256: certificates.clientA.thumbprint } });
    expect((await invalidToken(dpop.authenticate(request(certificates.clientB.der)))).description).toBe('The access token is bound to another client certificate');
  });
});
