import { describe, expect, it } from 'vitest';
import { createVerifier, protectedResourceMetadata, type VerifierOptions } from '@tokengate/core';
import { createMetadataResponder } from '@tokengate/core/adapter';

const issuer = 'https://auth.example.com/';

function build(options: Partial<VerifierOptions> & Record<string, unknown>): () => unknown {
  return () => createVerifier({ issuer, ...options } as VerifierOptions);
}

describe('the resource option (RFC 8707, RFC 9728)', () => {
  const refused: [string, unknown, RegExp][] = [
    ['not a string', 42, /"resource" option must be a non-empty string/],
    ['relative', '/mcp', /"resource" option must be an absolute URL/],
    ['http on a public host', 'http://api.example.com/mcp', /"resource" option must use https:/],
    ['a query', 'https://api.example.com/mcp?x=1', /must not have a query/],
    ['an empty query', 'https://api.example.com/mcp?', /must not have a query/],
    ['a fragment', 'https://api.example.com/mcp#x', /must not have a fragment/],
    ['upper-case host', 'https://API.example.com/mcp', /canonical form, lower-case scheme and host: "https:\/\/api.example.com\/mcp"/],
    ['upper-case scheme', 'HTTPS://api.example.com/mcp', /canonical form/],
    ['the default port spelled out', 'https://api.example.com:443/mcp', /canonical form/],
    ['dot segments', 'https://api.example.com/a/../mcp', /canonical form/],
    ['credentials', 'https://user@api.example.com/mcp', /canonical form/],
  ];
  for (const [name, resource, message] of refused) {
    it(`refuses ${name}`, () => {
      expect(build({ resource: resource as string })).toThrow(TypeError);
      expect(build({ resource: resource as string })).toThrow(message);
    });
  }

  it('is the audience when no audience is given; both may be set', () => {
    expect(createVerifier({ issuer, resource: 'https://api.example.com/mcp' }).options.audiences).toEqual(['https://api.example.com/mcp']);
    expect(createVerifier({ issuer, resource: 'https://api.example.com/mcp', audience: '00000000-guid' }).options.audiences).toEqual(['00000000-guid']);
    expect(build({})).toThrow(/"audience" option is required \(the identifier of this API\), unless "resource" is set/);
  });

  it('accepts loopback http, and keeps a trailing slash as given', () => {
    expect(protectedResourceMetadata(createVerifier({ issuer, resource: 'http://127.0.0.1:8080/mcp/' }))?.url).toBe('http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp/');
  });

  it('puts the metadata at the path-inserted location, and the root form for a root resource', () => {
    const metadata = protectedResourceMetadata(createVerifier({ issuer, resource: 'https://api.example.com/tenant/mcp' }));
    expect(metadata?.url).toBe('https://api.example.com/.well-known/oauth-protected-resource/tenant/mcp');
    expect(metadata?.paths).toEqual(['/.well-known/oauth-protected-resource/tenant/mcp', '/.well-known/oauth-protected-resource']);
    for (const resource of ['https://api.example.com', 'https://api.example.com/']) {
      const root = protectedResourceMetadata(createVerifier({ issuer, resource }));
      expect([root?.url, root?.paths, root?.document.resource]).toEqual(['https://api.example.com/.well-known/oauth-protected-resource', ['/.well-known/oauth-protected-resource'], resource]);
    }
    expect(protectedResourceMetadata(createVerifier({ issuer, audience: 'api' }))).toBeUndefined();
  });

  it('describes the actual configuration: issuers, bearer methods, and the given members only', () => {
    const verifier = createVerifier({ issuer: [issuer, 'https://b.example.com/'], resource: 'https://api.example.com/mcp', tokenMethods: ['header', 'body'], protectedResource: { resourceDocumentation: 'https://docs.example.com' } });
    expect(protectedResourceMetadata(verifier)?.document).toEqual({
      resource: 'https://api.example.com/mcp',
      authorization_servers: [issuer, 'https://b.example.com/'],
      bearer_methods_supported: ['header', 'body'],
      resource_documentation: 'https://docs.example.com',
    });
  });

  it('refuses protectedResource without resource, and unknown or bad members', () => {
    expect(build({ audience: 'api', protectedResource: {} })).toThrow(/"protectedResource" option needs the "resource" option/);
    expect(build({ resource: 'https://api.example.com', protectedResource: { resourceNmae: 'x' } as never })).toThrow(/did you mean "resourceName"/);
    expect(build({ resource: 'https://api.example.com', protectedResource: { scopesSupported: [] } })).toThrow(/"protectedResource.scopesSupported" option must be a non-empty/);
    expect(build({ resource: 'https://api.example.com', cors: { allowOrigin: 3 } as never })).toThrow(/"cors.allowOrigin" option must be a non-empty string/);
  });

  it('serves GET, HEAD and preflights at its paths only; other methods are 405', () => {
    const { options } = createVerifier({ issuer, resource: 'https://api.example.com/mcp', cors: { allowOrigin: 'https://app.example.com' } });
    const path = '/.well-known/oauth-protected-resource/mcp';
    const metadataResponse = (method: string, target: string) => createMetadataResponder(options)(method, target);
    expect(metadataResponse('GET', path)).toMatchObject({ status: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } });
    expect(metadataResponse('HEAD', path)).toMatchObject({ status: 200, body: undefined });
    expect(metadataResponse('OPTIONS', path)?.status).toBe(204);
    expect(metadataResponse('POST', path)).toMatchObject({ status: 405, headers: { Allow: 'GET, HEAD, OPTIONS' } });
    expect(metadataResponse('GET', '/.well-known/oauth-protected-resource/other')).toBeUndefined();
    expect(metadataResponse('GET', '/mcp')).toBeUndefined();
  });
});
