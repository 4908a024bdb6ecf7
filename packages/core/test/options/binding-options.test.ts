// The dpop, mtls, publicOrigin and trustProxy options: each mistake is a TypeError naming the
// option at start-up, and the protected-resource metadata says what is accepted.
import { createMemoryStore, createVerifier, platformName, protectedResourceMetadata, type VerifierOptions } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

/** The Web build has no TLS client certificates: any `mtls` is refused there, saying so. */
const ON_WEB = platformName === 'web';
const mtlsRefusal = (onNode: RegExp): RegExp => (ON_WEB ? /^"mtls" option needs Node\.js/ : onNode);

const BASE = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', publicOrigin: 'https://api.example.com' };
const make = (extra: Record<string, unknown>) => createVerifier({ ...BASE, ...extra } as VerifierOptions);

describe('dpop', () => {
  it('has defaults', () => {
    const { dpop } = make({ dpop: {} }).options;
    expect(dpop).toMatchObject({ required: false, proofMaxAge: 300, clockTolerance: 5, nonce: undefined });
    expect(dpop?.algorithms).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
  });

  it('needs the public origin, and says where it comes from', () => {
    const { publicOrigin: _none, ...withoutOrigin } = BASE;
    expect(() => createVerifier({ ...withoutOrigin, dpop: {} })).toThrow(/"dpop" option needs the public origin of this API .*"publicOrigin".*"resource".*"trustProxy"/);
    expect(createVerifier({ ...withoutOrigin, dpop: {}, trustProxy: true }).options.trustProxy).toBe(true);
    expect(createVerifier({ ...withoutOrigin, dpop: {}, resource: 'https://api.example.com/mcp' }).options.publicOrigin).toBe('https://api.example.com');
  });

  it.each([
    [{ dpop: { algorithms: ['HS256'] } }, /dpop.algorithms.*never a shared secret/],
    [{ dpop: { algorithms: ['none'] } }, /dpop.algorithms.*unsupported algorithm: "none"/],
    [{ dpop: { algorithms: [] } }, /dpop.algorithms.*non-empty array/],
    [{ dpop: { required: 'yes' } }, /dpop.required.*boolean/],
    [{ dpop: { proofMaxAge: -1 } }, /dpop.proofMaxAge.*non-negative/],
    [{ dpop: { clockTolerance: Number.NaN } }, /dpop.clockTolerance/],
    [{ dpop: { nonce: { secret: 'short' } } }, /dpop.nonce.secret.*32 bytes/],
    [{ dpop: { nonce: { secret: [] } } }, /dpop.nonce.secret.*empty list/],
    [{ dpop: { nonce: { secret: 'x'.repeat(32), lifetime: 0 } } }, /dpop.nonce.lifetime.*at least 1/],
    [{ dpop: { nonce: { secrets: 'x'.repeat(32) } } }, /Unknown option "secrets" in the "dpop.nonce" options; did you mean "secret"\?/],
    [{ dpop: { replayStore: {} } }, /dpop.replayStore.*setIfAbsent/],
    [{ dpop: { requried: true } }, /Unknown option "requried" in the "dpop" options; did you mean "required"\?/],
    [{ dpop: true }, /"dpop" option must be an object/],
    [{ publicOrigin: 'https://api.example.com/v1' }, /publicOrigin.*origin only.*did you mean "https:\/\/api.example.com"/],
    [{ publicOrigin: 'https://API.example.com' }, /publicOrigin.*origin only/],
    [{ publicOrigin: 'http://api.example.com' }, /publicOrigin.*https:/],
    [{ publicOrigin: 'api.example.com' }, /publicOrigin.*absolute URL/],
    [{ trustProxy: 'yes' }, /trustProxy.*boolean/],
    [{ mtls: {} }, mtlsRefusal(/mtls.certificate.*"socket" or \{ header, trustedProxies \}/)],
    [{ mtls: { certificate: 'tls' } }, mtlsRefusal(/mtls.certificate/)],
    [{ mtls: { certificate: 'socket', extra: 1 } }, /Unknown option "extra" in the "mtls" options/],
  ])('%j is refused', (extra, message) => {
    expect(() => make(extra)).toThrow(TypeError);
    expect(() => make(extra)).toThrow(message);
  });

  it('takes a Store for replays, and is advertised in the metadata', () => {
    const replayStore = createMemoryStore();
    const verifier = make({ resource: 'https://api.example.com/v1', dpop: { required: true, algorithms: ['ES256', 'EdDSA'], replayStore } });
    expect(verifier.options.dpop?.replayStore).toBe(replayStore);
    expect(protectedResourceMetadata(verifier)?.document).toMatchObject({ dpop_signing_alg_values_supported: ['ES256', 'EdDSA'], dpop_bound_access_tokens_required: true });
    expect(protectedResourceMetadata(verifier)?.document).not.toHaveProperty('tls_client_certificate_bound_access_tokens');
    const plain = protectedResourceMetadata(make({ resource: 'https://api.example.com/v1' }))?.document;
    expect(plain).not.toHaveProperty('dpop_signing_alg_values_supported');
    expect(plain).not.toHaveProperty('dpop_bound_access_tokens_required');
  });

  it.runIf(ON_WEB)('mtls is refused at start-up on the Web build, which cannot see client certificates', () => {
    expect(() => make({ mtls: { certificate: 'socket' } })).toThrow(/"mtls" option needs Node\.js \(or Bun or Deno\): this runtime does not expose TLS client certificates/);
  });

  it.runIf(!ON_WEB)('mtls is advertised as tls_client_certificate_bound_access_tokens', () => {
    expect(protectedResourceMetadata(make({ resource: 'https://api.example.com/v1', mtls: { certificate: 'socket' } }))?.document).toMatchObject({ tls_client_certificate_bound_access_tokens: true });
  });
});
