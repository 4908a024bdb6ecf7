/**
 * One error class for every failure, with the OAuth code, the HTTP status, the RFC 9457 body
 * and the RFC 6750 challenge.
 */
import { formatChallenge } from './challenge.js';
import { createInstanceId, DEFAULT_PROBLEM_TYPE_BASE, type ProblemDetails } from './problem.js';

/**
 * Failure codes. All but two are OAuth error codes (RFC 6750 §3.1, RFC 6749 §4.1.2.1 for
 * `access_denied` and `temporarily_unavailable`, and `invalid_token_type` for a token of the wrong type): `missing_token` means the request carried no credentials at all (no
 * `error` is sent then, RFC 6750 §3.1) and `server_error` means the server failed, not the client:
 * tokengate is misconfigured, or application code it runs (`classify`, a claim predicate) threw.
 */
export type TokenGateErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_token_type'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'server_error';

interface CodeInfo {
  readonly status: number;
  readonly title: string;
  /** Whether the code is sent as the OAuth `error` member and challenge parameter. */
  readonly oauth: boolean;
}

/** The one code → status table. */
export const ERROR_CODES: { readonly [code in TokenGateErrorCode]: CodeInfo } = Object.freeze({
  missing_token: Object.freeze({ status: 401, title: 'Authentication required', oauth: false }),
  invalid_request: Object.freeze({ status: 400, title: 'Invalid request', oauth: true }),
  invalid_token: Object.freeze({ status: 401, title: 'Invalid access token', oauth: true }),
  insufficient_scope: Object.freeze({ status: 403, title: 'Insufficient scope', oauth: true }),
  invalid_token_type: Object.freeze({ status: 403, title: 'Wrong token type', oauth: true }),
  access_denied: Object.freeze({ status: 403, title: 'Access denied', oauth: true }),
  temporarily_unavailable: Object.freeze({ status: 503, title: 'Authorization temporarily unavailable', oauth: true }),
  server_error: Object.freeze({ status: 500, title: 'Authorization failed on the server', oauth: true }),
});

/** Headers of an error: callable for a plain copy, and readable member by member. */
export interface ErrorHeaders {
  (): Record<string, string>;
  readonly [name: string]: string;
}

function challengeFor(error: TokenGateError, presentation: ErrorPresentation): string {
  const oauth = ERROR_CODES[error.code].oauth;
  return formatChallenge({
    realm: presentation.realm,
    error: oauth ? error.code : undefined,
    errorDescription: oauth ? error.description : undefined,
    scope: error.code === 'insufficient_scope' ? error.requiredScopes : undefined,
  });
}

function createErrorHeaders(error: TokenGateError, presentation: () => ErrorPresentation): ErrorHeaders {
  const getters: Record<string, () => string> = {};
  if (error.status === 400 || error.status === 401 || error.status === 403) getters['WWW-Authenticate'] = () => challengeFor(error, presentation());
  if (error.status === 503) getters['Retry-After'] = () => String(error.retryAfter);
  const names = Object.keys(getters);
  const headers = function headers(): Record<string, string> {
    const copy: Record<string, string> = {};
    for (const name of names) copy[name] = (getters[name] as () => string)();
    return copy;
  };
  for (const name of names) Object.defineProperty(headers, name, { get: getters[name], enumerable: true });
  return headers as unknown as ErrorHeaders;
}

/** Options for a single error. */
export interface TokenGateErrorOptions {
  /** The underlying error (a jose error, a network error). Kept for logs, never serialised. */
  readonly cause?: unknown;
  /** Scopes the resource requires (`insufficient_scope`): the challenge's `scope` parameter. */
  readonly requiredScopes?: readonly string[];
  /** Extra members for the problem body, e.g. `missing_scopes`. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Seconds for `Retry-After` on a 503. Default 5. */
  readonly retryAfter?: number;
}

/** Per-verifier presentation settings the error needs to render itself. */
export interface ErrorPresentation {
  /** `realm` of the challenge. */
  readonly realm: string;
  /** Base for problem `type` URIs. */
  readonly problemTypeBase: string;
}

const DEFAULT_PRESENTATION: ErrorPresentation = { realm: 'api', problemTypeBase: DEFAULT_PROBLEM_TYPE_BASE };

/**
 * Every failure tokengate reports. `status` (and its alias `statusCode`) and `expose` let any
 * framework's error handling use it; `toProblem()` gives the body and `headers()` the headers.
 * @example
 * try { await verifier.verify(token) } catch (error) {
 *   if (error instanceof TokenGateError) res.status(error.status).set(error.headers()).json(error.toProblem())
 * }
 */
/**
 * Marks every `TokenGateError`, whichever copy of this package made it: an application that loads
 * both the ESM and the CommonJS build (directly or through a dependency) has two classes, and
 * `instanceof` sees only one. A registered symbol is the same in both.
 */
const BRAND = Symbol.for('tokengate.error');

export class TokenGateError extends Error {
  override readonly name = 'TokenGateError';
  /** The brand `isTokenGateError` reads (see `BRAND`). */
  readonly [BRAND] = true;
  /** The failure code. */
  readonly code: TokenGateErrorCode;
  /** The HTTP status for the code. */
  readonly status: number;
  /** Alias of `status` for frameworks that read `statusCode`. */
  readonly statusCode: number;
  /**
   * Whether the message may be shown to the client. Always true: descriptions never hold secrets,
   * and a configuration error's description says what to configure.
   */
  readonly expose: boolean;
  /** What went wrong; never contains the token, keys or stacks. */
  readonly description: string;
  /** Unique id of this failure (`urn:uuid:…`); the problem body's `instance`. */
  readonly instance: string;
  /** Scopes the resource requires, for `insufficient_scope`. */
  readonly requiredScopes: readonly string[];
  /** Extension members of the problem body. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** `Retry-After` seconds for 503 responses. */
  readonly retryAfter: number;
  /**
   * Response headers: `WWW-Authenticate` on 400/401/403 (RFC 6750 §3), `Retry-After` on 503.
   * Call it (`error.headers()`) for a plain object. It also carries the same headers as its own
   * enumerable members, so frameworks that read `err.headers` as an object (Koa's and
   * Fastify's error handling) send them when the error is thrown to them.
   */
  readonly headers: ErrorHeaders;
  #presentation: ErrorPresentation = DEFAULT_PRESENTATION;

  constructor(code: TokenGateErrorCode, description: string, options: TokenGateErrorOptions = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    const info = ERROR_CODES[code];
    this.code = code;
    this.status = info.status;
    this.statusCode = info.status;
    this.expose = true;
    this.description = description;
    this.instance = createInstanceId();
    this.requiredScopes = Object.freeze([...(options.requiredScopes ?? [])]);
    this.extensions = Object.freeze({ ...options.extensions });
    this.headers = createErrorHeaders(this, () => this.#presentation);
    this.retryAfter = Number.isFinite(options.retryAfter) ? Math.max(1, Math.ceil(options.retryAfter as number)) : 5;
  }

  /** Use this realm and problem type base when rendering (the verifier calls it). */
  present(presentation: ErrorPresentation): this {
    this.#presentation = presentation;
    return this;
  }

  /** The RFC 9457 body, with `error` and `error_description` unless no credentials were sent. */
  toProblem(): ProblemDetails {
    const info = ERROR_CODES[this.code];
    const body: Record<string, unknown> = {
      type: `${this.#presentation.problemTypeBase}${this.code}`,
      title: info.title,
      status: this.status,
      detail: this.description,
      instance: this.instance,
    };
    if (info.oauth) {
      body.error = this.code;
      body.error_description = this.description;
    }
    return { ...this.extensions, ...body } as ProblemDetails;
  }

  /** A plain JSON view for loggers: the problem body plus the code. */
  toJSON(): ProblemDetails {
    return this.toProblem();
  }
}

/**
 * True for errors raised by tokengate, also those of another copy of the package (its ESM and
 * CommonJS builds loaded side by side), which `instanceof` does not recognise: use this check.
 * @example if (isTokenGateError(error)) res.status(error.status).set(error.headers()).json(error.toProblem());
 */
export function isTokenGateError(value: unknown): value is TokenGateError {
  return value instanceof TokenGateError || (value instanceof Error && (value as unknown as Record<symbol, unknown>)[BRAND] === true);
}
