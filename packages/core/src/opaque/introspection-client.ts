/**
 * The RFC 7662 client: POST the token to the introspection endpoint, authenticated as this
 * API's client, and read the answer. Only an answer saying the token is not active, or a 4xx
 * about the token, speaks against the token; everything else is the source's failure (503).
 */
import { TokenGateError } from '../errors/error.js';
import { base64OfText } from '../platform/bytes.js';
import { createCappedFetch, IssuerResponseError, type HttpLimits } from '../keys/fetch.js';
import type { KeyStore } from '../keys/key-store.js';
import type { ResolvedIntrospection, ResolvedOptions } from '../options/resolved.js';
import type { Claims } from '../token/types.js';
import { INACTIVE, type Answer, type ClaimsSource } from './answer.js';
import { IntrospectionConfigurationError, isObject, misconfigured, unavailable } from './failures.js';

/** A 4xx about the token itself (RFC 7662 §2.3, RFC 6749 §5.2): the token is not good, the server is fine. */
const REFUSED_BY_SERVER: Answer = Object.freeze({ claims: null, refusal: 'The authorization server refused the token' });
/** 4xx statuses that speak of the request's token rather than of our client or the endpoint. */
const TOKEN_REFUSALS: ReadonlySet<number> = new Set([400, 413, 414, 422]);
/** A Retry-After from the endpoint is honoured up to this many seconds. */
const MAX_RETRY_AFTER = 3600;

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 Appendix B). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function requestHeaders(settings: ResolvedIntrospection): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (settings.authMethod === 'client_secret_basic') {
    // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
    const credentials = `${formEncode(settings.clientId)}:${formEncode(settings.clientSecret)}`;
    headers.authorization = `Basic ${base64OfText(credentials)}`;
  }
  return headers;
}

function requestBody(token: string, settings: ResolvedIntrospection): string {
  const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
  if (settings.authMethod === 'client_secret_post') {
    form.set('client_id', settings.clientId);
    form.set('client_secret', settings.clientSecret);
  }
  return form.toString();
}

/** `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), bounded to 1 s – 1 h. */
function retryAfter(response: Response, now: number): number | undefined {
  const value = response.headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000);
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(MAX_RETRY_AFTER, Math.max(1, seconds));
}

function clientAuthenticationFailed(status: number): TokenGateError {
  return misconfigured(`introspection client authentication failed (${status}): check introspection.clientId/clientSecret`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Turn the endpoint's response into an answer, or throw the 503 it calls for. A 4xx about the
 * token (`unsupported_token_type`, `invalid_request`, `invalid_token`, …) is the server's verdict
 * on the token: 401, not an outage. 401/403 and `invalid_client` mean our credentials are wrong,
 * other 4xx a wrong endpoint: both 503 with a configuration error for `onError`. `now` in ms.
 */
async function readAnswer(response: Response, now: number): Promise<Answer> {
  const text = await response.text();
  const { status } = response;
  if (status === 401 || status === 403) throw clientAuthenticationFailed(status);
  if (status !== 200) {
    // RFC 6749 §5.2 lets a server refuse form-posted credentials with 400 invalid_client.
    const body = parseJson(text);
    if (status === 400 && isObject(body) && body.error === 'invalid_client') throw clientAuthenticationFailed(status);
    if (TOKEN_REFUSALS.has(status)) return REFUSED_BY_SERVER;
    const cause = new IssuerResponseError(`The introspection endpoint answered ${status}`);
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) throw unavailable(new IntrospectionConfigurationError(`${cause.message}: check introspection.endpoint`));
    throw unavailable(cause, retryAfter(response, now));
  }
  const body = parseJson(text);
  if (!isObject(body)) throw unavailable(new IssuerResponseError('The introspection response is not a JSON object'));
  if (typeof body.active !== 'boolean') throw unavailable(new IssuerResponseError('The introspection response has no boolean "active" member'));
  return body.active ? { claims: body as Claims } : INACTIVE;
}

/** RFC 7662 §2: POST the token, authenticated as this API's client. */
export function introspectionSource(settings: ResolvedIntrospection, options: ResolvedOptions, store: KeyStore): ClaimsSource {
  const limits: HttpLimits = { fetch: options.fetch, timeoutMs: settings.timeoutMs, maxResponseBytes: settings.maxResponseBytes };
  const post = createCappedFetch(limits);
  const headers = requestHeaders(settings);
  const issuer = options.issuers[0] as string;
  let endpoint = settings.endpoint;

  async function discoverEndpoint(): Promise<string> {
    let discovered: unknown;
    try {
      discovered = (await store.metadata(issuer)).introspection_endpoint;
    } catch (cause) {
      throw unavailable(cause);
    }
    if (typeof discovered !== 'string' || !URL.canParse(discovered)) {
      throw misconfigured('The issuer metadata has no valid introspection_endpoint: set introspection.endpoint');
    }
    // Never send the client secret in the clear to an endpoint of an https: issuer.
    if (new URL(discovered).protocol !== 'https:' && new URL(issuer).protocol === 'https:') {
      throw misconfigured('The discovered introspection_endpoint does not use https:; set introspection.endpoint');
    }
    endpoint = discovered;
    return discovered;
  }

  return async (token) => {
    const url = endpoint ?? (await discoverEndpoint());
    try {
      const response = await post(url, { method: 'POST', headers, body: requestBody(token, settings), signal: AbortSignal.timeout(settings.timeoutMs) });
      return await readAnswer(response, options.clock());
    } catch (error) {
      throw error instanceof TokenGateError ? error : unavailable(error);
    }
  };
}
