import { createVerifier, IntrospectionConfigurationError, TokenGateError, type FetchLike, type ProblemDetails } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { describe, expect, it } from 'vitest';
import { rejection, unavailable } from '@tokengate/test-support';
import { issuer, useIssuer, introspectingVerifier as make, manualClock, rewritingFetch } from './introspect-support.js';

useIssuer();

const AUTH_FAILED = 'introspection client authentication failed (401): check introspection.clientId/clientSecret';

/** A verifier recording what `onError` receives. */
function recorded(extra: Parameters<typeof make>[1] = {}, introspection: Parameters<typeof make>[2] = {}, on: TestIssuer = issuer) {
  const reports: { error: TokenGateError; problem: ProblemDetails }[] = [];
  const verifier = make(on, { ...extra, onError: (error, problem) => reports.push({ error, problem }) }, introspection);
  return { verifier, reports };
}

function causeOf(error: TokenGateError): Error {
  expect(error.cause).toBeInstanceOf(Error);
  return error.cause as Error;
}

describe('an endpoint that cannot answer is a 503 with Retry-After, never a 401', () => {
  it('down', async () => {
    issuer.faults.down = true;
    const error = await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()));
    expect(error.description).toBe('The authorization server cannot check the access token right now');
    expect(error.headers()).toEqual({ 'Retry-After': '5' });
    expect(issuer.fetchCounts.introspection).toBe(1);
  });

  it('slow (timeoutDuration)', async () => {
    issuer.faults.slowMs = 2_000;
    const started = Date.now();
    const error = await unavailable(make(issuer, {}, { timeoutMs: 150 }).verify(await issuer.mintOpaqueToken()));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(causeOf(error).name).toBe('TimeoutError');
  });

  it('500 and other unexpected statuses', async () => {
    for (const status of [500, 502, 503, 302, 204, 408]) {
      issuer.faults.status = status;
      expect(causeOf(await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()))).message).toBe(
        `The introspection endpoint answered ${status}`,
      );
    }
  });

  it('a redirect, which is not followed', async () => {
    issuer.faults.redirectLoop = true;
    await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()));
    expect(issuer.fetchCounts.introspection).toBe(1);
  });

  it('garbage', async () => {
    issuer.faults.garbage = true;
    expect(causeOf(await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()))).message).toBe('The introspection response is not a JSON object');
  });

  it('JSON that is not an object', async () => {
    for (const body of ['[]', 'null', '"active"', '42', '[{"active":true}]']) {
      issuer.faults.introspectionBody = body;
      expect(causeOf(await unavailable(make(issuer).verify('some-token'))).message, body).toBe('The introspection response is not a JSON object');
    }
  });

  it('an object whose active member is not a boolean', async () => {
    for (const body of ['{}', '{"active":"true"}', '{"active":1}', '{"active":null}', '{"sub":"x","scope":"all"}']) {
      issuer.faults.introspectionBody = body;
      expect(causeOf(await unavailable(make(issuer).verify('some-token'))).message, body).toBe(
        'The introspection response has no boolean "active" member',
      );
    }
  });

  it('a response over the size cap', async () => {
    const token = await issuer.mintOpaqueToken({ claims: { padding: 'x'.repeat(4_000) } });
    expect(causeOf(await unavailable(make(issuer, {}, { maxResponseBytes: 1_000 }).verify(token))).message).toMatch(/larger than 1000 bytes/);
    await expect(make(issuer).verify(token)).resolves.toMatchObject({ token });
    // Its own cap: the key set's does not apply to introspection answers.
    await expect(make(issuer, { jwks: { maxResponseBytes: 1_000 } }).verify(token)).resolves.toMatchObject({ token });
  });

  it("honours the endpoint's Retry-After", async () => {
    issuer.faults.status = 503;
    const fetch = rewritingFetch((response) => new Response(response.body, { status: response.status, headers: { 'retry-after': '42' } }));
    expect((await unavailable(make(issuer, { fetch }).verify('t'))).headers()['Retry-After']).toBe('42');
    const tooLong = rewritingFetch((response) => new Response(response.body, { status: response.status, headers: { 'retry-after': '999999' } }));
    expect((await unavailable(make(issuer, { fetch: tooLong }).verify('t'))).retryAfter).toBe(3600);
  });

  it('does not cache failures: the next request after recovery succeeds', async () => {
    const verifier = make(issuer);
    const token = await issuer.mintOpaqueToken();
    issuer.faults.status = 500;
    await unavailable(verifier.verify(token));
    issuer.faults.reset();
    await expect(verifier.verify(token)).resolves.toMatchObject({ token });
    expect(issuer.fetchCounts.introspection).toBe(2);
  });

  it('a failure reaches every concurrent caller, and onError once each', async () => {
    issuer.faults.slowMs = 50;
    issuer.faults.status = 500;
    const { verifier, reports } = recorded();
    const errors = await Promise.all(Array.from({ length: 5 }, () => unavailable(verifier.verify('shared'))));
    expect(new Set(errors.map((error) => error.instance)).size).toBe(5);
    expect(reports).toHaveLength(5);
    expect(issuer.fetchCounts.introspection).toBe(1);
  });
});

describe('wrong client credentials are a configuration error: 503 and onError, never blamed on the caller', () => {
  it('401 from the endpoint (wrong secret)', async () => {
    const { verifier, reports } = recorded({}, { clientSecret: 'wrong' });
    const error = await unavailable(verifier.verify(await issuer.mintOpaqueToken()));
    expect(error.description).toBe('The authorization server cannot check the access token right now');
    expect(error.headers()).not.toHaveProperty('WWW-Authenticate');
    expect(causeOf(error)).toBeInstanceOf(IntrospectionConfigurationError);
    expect(causeOf(error).message).toBe(AUTH_FAILED);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.error).toBe(error);
    expect((reports[0]?.error.cause as Error).message).toBe(AUTH_FAILED);
    expect(reports[0]?.problem).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
  });

  it('wrong client id, with either authentication method', async () => {
    for (const authMethod of ['client_secret_basic', 'client_secret_post'] as const) {
      const error = await unavailable(make(issuer, {}, { clientId: 'nobody', authMethod }).verify('t'));
      expect(causeOf(error).message).toBe(AUTH_FAILED);
    }
  });

  it('403 from the endpoint', async () => {
    issuer.faults.status = 403;
    expect(causeOf(await unavailable(make(issuer).verify('t'))).message).toBe(
      'introspection client authentication failed (403): check introspection.clientId/clientSecret',
    );
  });

  it('400 invalid_client (RFC 6749 §5.2 for form-posted credentials)', async () => {
    const fetch: FetchLike = async () => Response.json({ error: 'invalid_client' }, { status: 400 });
    const error = await unavailable(make(issuer, { fetch }, { authMethod: 'client_secret_post' }).verify('t'));
    expect(causeOf(error).message).toBe('introspection client authentication failed (400): check introspection.clientId/clientSecret');
  });

  it('another 4xx that is not about the token (a wrong endpoint) is 503 with a configuration error', async () => {
    for (const status of [404, 405, 415]) {
      const fetch: FetchLike = async () => new Response('no', { status });
      const cause = causeOf(await unavailable(make(issuer, { fetch }).verify('t')));
      expect(cause).toBeInstanceOf(IntrospectionConfigurationError);
      expect(cause.message).toBe(`The introspection endpoint answered ${status}: check introspection.endpoint`);
    }
  });

  it('is not cached: fixing nothing keeps failing, with one report per request', async () => {
    const { verifier, reports } = recorded({}, { clientSecret: 'wrong' });
    await unavailable(verifier.verify('t'));
    await unavailable(verifier.verify('t'));
    expect(reports.map((report) => (report.error.cause as Error).message)).toEqual([AUTH_FAILED, AUTH_FAILED]);
    expect(issuer.fetchCounts.introspection).toBe(2);
  });
});

describe('client authentication', () => {
  it('client_secret_basic (the default) against an endpoint that accepts only Basic', async () => {
    const basicOnly = await createTestIssuer({ introspectionAuthMethods: ['client_secret_basic'] });
    try {
      const token = await basicOnly.mintOpaqueToken();
      await expect(make(basicOnly).verify(token)).resolves.toMatchObject({ token });
      await expect(make(basicOnly, {}, { authMethod: 'client_secret_basic' }).verify(token)).resolves.toMatchObject({ token });
      expect(causeOf(await unavailable(make(basicOnly, {}, { authMethod: 'client_secret_post' }).verify(token))).message).toBe(AUTH_FAILED);
    } finally {
      await basicOnly.close();
    }
  });

  it('client_secret_post against an endpoint that accepts only form fields', async () => {
    const postOnly = await createTestIssuer({ introspectionAuthMethods: ['client_secret_post'] });
    try {
      const token = await postOnly.mintOpaqueToken();
      await expect(make(postOnly, {}, { authMethod: 'client_secret_post' }).verify(token)).resolves.toMatchObject({ token });
      expect(causeOf(await unavailable(make(postOnly).verify(token))).message).toBe(AUTH_FAILED);
    } finally {
      await postOnly.close();
    }
  });

  it('form-encodes the id and secret inside Basic credentials (RFC 6749 §2.3.1)', async () => {
    const special = await createTestIssuer({ introspectionClient: { clientId: 'api:1', clientSecret: 'p@ss:w+rd /é%' } });
    try {
      const token = await special.mintOpaqueToken();
      await expect(make(special).verify(token)).resolves.toMatchObject({ token });
      await expect(make(special, {}, { authMethod: 'client_secret_post' }).verify(token)).resolves.toMatchObject({ token });
    } finally {
      await special.close();
    }
  });

  it('POSTs token and token_type_hint as a form, asks for JSON, does not follow redirects', async () => {
    const requests: { url: string; init: RequestInit | undefined }[] = [];
    const spy: FetchLike = (input, init) => {
      requests.push({ url: String(input), init });
      return fetch(input, init);
    };
    const token = await issuer.mintOpaqueToken();
    await make(issuer, { fetch: spy }).verify(token);
    expect(requests).toHaveLength(1);
    const [{ url, init }] = requests as [{ url: string; init: RequestInit }];
    expect(url).toBe(issuer.introspectionEndpoint);
    expect(init.method).toBe('POST');
    expect(init.redirect).toBe('manual');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    const headers = new Headers(init.headers);
    expect(headers.get('accept')).toBe('application/json');
    expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const { clientId, clientSecret } = issuer.introspectionClient;
    expect(headers.get('authorization')).toBe(`Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(String(init.body)))).toEqual({ token, token_type_hint: 'access_token' });
  });

  it('client_secret_post sends the credentials as form fields and no Authorization header', async () => {
    const bodies: { body: string; authorization: string | null }[] = [];
    const spy: FetchLike = (input, init) => {
      bodies.push({ body: String(init?.body), authorization: new Headers(init?.headers).get('authorization') });
      return fetch(input, init);
    };
    const token = await issuer.mintOpaqueToken();
    await make(issuer, { fetch: spy }, { authMethod: 'client_secret_post' }).verify(token);
    expect(bodies[0]?.authorization).toBeNull();
    expect(Object.fromEntries(new URLSearchParams(bodies[0]?.body))).toEqual({
      token,
      token_type_hint: 'access_token',
      client_id: issuer.introspectionClient.clientId,
      client_secret: issuer.introspectionClient.clientSecret,
    });
  });
});

describe('discovery of introspection_endpoint', () => {
  const discovering = (on: TestIssuer, extra: Parameters<typeof make>[1] = {}) =>
    createVerifier({ issuer: on.issuer, audience: on.audience, introspection: { ...on.introspectionClient }, ...extra });

  it('reads the endpoint from the issuer metadata once', async () => {
    const verifier = discovering(issuer);
    const tokens = await Promise.all([issuer.mintOpaqueToken(), issuer.mintOpaqueToken(), issuer.mintOpaqueToken()]);
    await Promise.all(tokens.map((token) => verifier.verify(token)));
    await verifier.verify(await issuer.mintOpaqueToken());
    expect(issuer.fetchCounts.oauthMetadata).toBe(1);
    expect(issuer.fetchCounts.introspection).toBe(4);
    expect(issuer.fetchCounts.jwks).toBe(0);
  });

  it('works for an issuer with a path, through OpenID Connect discovery', async () => {
    const tenant = await createTestIssuer({ path: '/tenant-a', discovery: 'oidc' });
    try {
      const token = await tenant.mintOpaqueToken();
      await expect(discovering(tenant).verify(token)).resolves.toMatchObject({ issuer: tenant.issuer, format: 'opaque' });
      expect(tenant.fetchCounts.openidConfiguration).toBe(1);
    } finally {
      await tenant.close();
    }
  });

  it('no metadata: 503, retried once jwks.failureBackoffMs has passed, not on every request', async () => {
    const hidden = await createTestIssuer({ discovery: 'none' });
    try {
      await unavailable(discovering(hidden).verify(await hidden.mintOpaqueToken()));
      expect(hidden.fetchCounts.introspection).toBe(0);
      issuer.faults.down = true;
      const clock = manualClock();
      const verifier = discovering(issuer, { clock: clock.clock });
      await unavailable(verifier.verify('t'));
      const asked = issuer.fetchCounts.discovery;
      issuer.faults.down = false;
      // Within jwks.failureBackoffMs (5 s) the failure stands, without asking the issuer again.
      for (let i = 0; i < 20; i += 1) await unavailable(verifier.verify(`t${i}`));
      expect(issuer.fetchCounts.discovery).toBe(asked);
      clock.advance(5);
      await expect(verifier.verify(await issuer.mintOpaqueToken())).resolves.toBeTruthy();
    } finally {
      await hidden.close();
    }
  });

  it('metadata without introspection_endpoint: 503 with a configuration error', async () => {
    const fetch = rewritingFetch(async (response, url) => {
      if (!url.includes('/.well-known/')) return response;
      const { introspection_endpoint: _omitted, ...metadata } = (await response.json()) as Record<string, unknown>;
      return Response.json(metadata);
    });
    const error = await unavailable(discovering(issuer, { fetch }).verify('t'));
    expect(causeOf(error)).toBeInstanceOf(IntrospectionConfigurationError);
    expect(causeOf(error).message).toMatch(/no valid introspection_endpoint: set introspection.endpoint/);
    expect(issuer.fetchCounts.introspection).toBe(0);
  });

  it('never sends the client secret to an http: endpoint advertised by an https: issuer', async () => {
    const requested: string[] = [];
    const fetch: FetchLike = async (input) => {
      requested.push(String(input));
      return Response.json({ issuer: 'https://auth.example.com', introspection_endpoint: 'http://auth.example.com/introspect' });
    };
    const verifier = createVerifier({
      issuer: 'https://auth.example.com',
      audience: 'https://api.example.com',
      introspection: { clientId: 'api', clientSecret: 'secret' },
      fetch,
    });
    expect(causeOf(await unavailable(verifier.verify('t'))).message).toMatch(/does not use https:/);
    expect(requested).toEqual(['https://auth.example.com/.well-known/oauth-authorization-server']);
  });

  it('an explicit endpoint needs no metadata', async () => {
    await make(issuer).verify(await issuer.mintOpaqueToken());
    expect(issuer.fetchCounts.discovery).toBe(0);
  });
});

describe('the 503 never says the token is bad', () => {
  it('has no invalid_token challenge and a problem body with temporarily_unavailable', async () => {
    issuer.faults.status = 500;
    const error = await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()));
    expect(error.toProblem()).toMatchObject({ status: 503, error: 'temporarily_unavailable', title: 'Authorization temporarily unavailable' });
    expect(error).toBeInstanceOf(TokenGateError);
  });
});

describe('the authorization server refusing the token is not an outage', () => {
  const REFUSALS = [
    [400, '{"error":"unsupported_token_type"}'],
    [400, '{"error":"invalid_request"}'],
    [400, '{"error":"invalid_token"}'],
    [400, 'not json'],
    [413, '{"error":"invalid_request"}'],
    [422, '{}'],
  ] as const;
  for (const [status, body] of REFUSALS) {
    it(`${status} ${body} is 401 invalid_token, not 503`, async () => {
      Object.assign(issuer.faults, { status, statusBody: body });
      const { verifier, reports } = recorded();
      const error = await rejection(verifier.verify(await issuer.mintOpaqueToken()));
      expect([error.code, error.status, error.description]).toEqual(['invalid_token', 401, 'The authorization server refused the token']);
      expect(reports).toHaveLength(1);
    });
  }

  it('401/403 from the endpoint stay 503: our own credentials are wrong', async () => {
    for (const status of [401, 403]) {
      issuer.faults.status = status;
      expect(causeOf(await unavailable(make(issuer).verify(await issuer.mintOpaqueToken())))).toBeInstanceOf(IntrospectionConfigurationError);
    }
  });

  it('429 is 503 with the server Retry-After, as delta-seconds or an HTTP-date', async () => {
    Object.assign(issuer.faults, { status: 429, retryAfter: '42' });
    expect((await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()))).headers()['Retry-After']).toBe('42');
    issuer.faults.retryAfter = new Date(Date.now() + 90_000).toUTCString();
    const fromDate = Number((await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()))).headers()['Retry-After']);
    expect(fromDate).toBeGreaterThanOrEqual(88);
    expect(fromDate).toBeLessThanOrEqual(91);
    issuer.faults.retryAfter = 'soon';
    expect((await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()))).headers()['Retry-After']).toBe('5');
    issuer.faults.retryAfter = '999999';
    expect((await unavailable(make(issuer).verify(await issuer.mintOpaqueToken()))).headers()['Retry-After']).toBe('3600');
  });
});

describe('floods of junk tokens', () => {
  it('300 concurrent junk tokens open at most maxConcurrentRequests introspections; the rest are 503 with Retry-After: 1', async () => {
    issuer.faults.slowMs = 200;
    const verifier = make(issuer, {}, { maxConcurrentRequests: 8 });
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => verifier.verify(`junk-${i}`)));
    expect(issuer.fetchCounts.introspection).toBe(8);
    const errors = results.map((result) => (result.status === 'rejected' ? (result.reason as TokenGateError) : undefined));
    expect(errors.filter((error) => error?.code === 'invalid_token')).toHaveLength(8);
    const overloaded = errors.filter((error) => error?.code === 'temporarily_unavailable');
    expect(overloaded).toHaveLength(292);
    expect(overloaded[0]?.headers()).toEqual({ 'Retry-After': '1' });
  });

  it("junk tokens never evict a good token's cached answer", async () => {
    const verifier = make(issuer, {}, { cache: { maxEntries: 20 } });
    const good = await issuer.mintOpaqueToken();
    await verifier.verify(good);
    for (let i = 0; i < 100; i += 1) await verifier.verify(`junk-${i}`).catch(() => undefined);
    issuer.resetCounts();
    await verifier.verify(good);
    expect(issuer.fetchCounts.introspection).toBe(0);
  });
});
