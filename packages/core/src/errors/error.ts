/**
 * `TokenGateError`: every failure, with its OAuth code, HTTP status, RFC 9457 body and RFC 6750
 * challenge. Immutable: a verifier renders an error with its realm and problem base by making a
 * presented copy (same `instance`), never by changing it.
 */
import { formatChallenge } from './challenge.js';
import { ERROR_CODES, type TokenGateErrorCode } from './codes.js';
import { createInstanceId, DEFAULT_PROBLEM_TYPE_BASE, type ProblemDetails } from './problem.js';

/** Headers of an error: callable for a copy, and readable member by member. */
export interface ErrorHeaders {
  (): Record<string, string>;
  readonly [name: string]: string;
}

/** How a verifier renders its errors. */
export interface ErrorPresentation {
  /** `realm` of the challenge. */
  readonly realm: string;
  /** Base for problem `type` URIs. */
  readonly problemTypeBase: string;
  /** The protected-resource metadata URL every 401 and 403 challenge points at (RFC 9728 §5.1). */
  readonly resourceMetadata?: string | undefined;
  /** Let browser clients read the challenge: `Access-Control-Expose-Headers` on every error response. */
  readonly exposeHeaders?: boolean | undefined;
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
  /** Step-up (`insufficient_user_authentication`, RFC 9470): what the challenge asks for. */
  readonly stepUp?: StepUp;
  /** Realm and problem type base. Default realm `api` and `https://tokengate.dev/problems/`. */
  readonly presentation?: ErrorPresentation;
  /** The failure's id, kept when an error is presented again. Default a fresh `urn:uuid:…`. */
  readonly instance?: string;
}

/** What an `insufficient_user_authentication` challenge asks for (RFC 9470 §3). */
export interface StepUp {
  /** Acceptable authentication context classes (`acr_values`). */
  readonly acrValues?: readonly string[] | undefined;
  /** Seconds since the user authenticated (`max_age`). */
  readonly maxAge?: number | undefined;
}

/** Scopes a client never gets by asking again, so a challenge never names them. */
const UNREQUESTABLE_SCOPES: ReadonlySet<string> = new Set(['offline_access']);

const DEFAULT_PRESENTATION: ErrorPresentation = Object.freeze({ realm: 'api', problemTypeBase: DEFAULT_PROBLEM_TYPE_BASE });

/**
 * Marks every `TokenGateError`, whichever copy of this package made it: an application that loads
 * both the ESM and the CommonJS build has two classes, and `instanceof` sees only one.
 */
const BRAND = Symbol.for('tokengate.error');

function challengeOf(error: TokenGateError): string {
  const oauth = ERROR_CODES[error.code].oauth;
  const { realm, resourceMetadata } = error.presentation;
  return formatChallenge({
    realm,
    error: oauth ? error.code : undefined,
    errorDescription: oauth ? error.description : undefined,
    scope: error.code === 'insufficient_scope' ? error.requiredScopes.filter((scope) => !UNREQUESTABLE_SCOPES.has(scope)) : undefined,
    acrValues: error.stepUp?.acrValues,
    maxAge: error.stepUp?.maxAge,
    resourceMetadata: error.status === 401 || error.status === 403 ? resourceMetadata : undefined,
  });
}

/** `WWW-Authenticate` on 400/401/403 (RFC 6750 §3), `Retry-After` on 503: a function returning a copy, with the same members. */
function headersOf(error: TokenGateError): ErrorHeaders {
  const values: Record<string, string> = {};
  if (error.status === 400 || error.status === 401 || error.status === 403) values['WWW-Authenticate'] = challengeOf(error);
  if (error.status === 503) values['Retry-After'] = String(error.retryAfter);
  const exposed = Object.keys(values);
  if (error.presentation.exposeHeaders === true && exposed.length > 0) values['Access-Control-Expose-Headers'] = exposed.join(', ');
  const headers = function headers(): Record<string, string> {
    return { ...values };
  };
  return Object.freeze(Object.assign(headers, values)) as unknown as ErrorHeaders;
}

/**
 * Every failure tokengate reports. `status` (and its alias `statusCode`) and `expose` let any
 * framework's error handling use it; `toProblem()` gives the body and `headers()` the headers.
 * @example
 * try { await verifier.verify(token) } catch (error) {
 *   if (isTokenGateError(error)) res.status(error.status).set(error.headers()).json(error.toProblem())
 * }
 */
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
  /** Always true: descriptions never hold secrets, and a configuration error's says what to configure. */
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
  /** The realm and problem type base this error is rendered with. */
  readonly presentation: ErrorPresentation;
  /** What a step-up challenge asks for (`insufficient_user_authentication`). */
  readonly stepUp: StepUp | undefined;
  /**
   * Response headers: `WWW-Authenticate` on 400/401/403, `Retry-After` on 503. Call it
   * (`error.headers()`) for a plain object; it also carries the headers as its own enumerable
   * members, so frameworks that read `err.headers` as an object (Koa, Fastify) send them.
   */
  readonly headers: ErrorHeaders;

  constructor(code: TokenGateErrorCode, description: string, options: TokenGateErrorOptions = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    const info = ERROR_CODES[code];
    this.code = code;
    this.status = info.status;
    this.statusCode = info.status;
    this.expose = true;
    this.description = description;
    this.instance = options.instance ?? createInstanceId();
    this.requiredScopes = Object.freeze([...(options.requiredScopes ?? [])]);
    this.extensions = Object.freeze({ ...options.extensions });
    this.retryAfter = Number.isFinite(options.retryAfter) ? Math.max(1, Math.ceil(options.retryAfter as number)) : 5;
    this.presentation = options.presentation ?? DEFAULT_PRESENTATION;
    this.stepUp = options.stepUp;
    this.headers = headersOf(this);
  }

  /** A copy rendered with `presentation`: same code, description, `instance` and cause. */
  presentedAs(presentation: ErrorPresentation): TokenGateError {
    return new TokenGateError(this.code, this.description, { ...this.#options(), presentation });
  }

  /** An unrendered copy with a fresh `instance`, for a second request that shares this failure. */
  copy(): TokenGateError {
    return new TokenGateError(this.code, this.description, { ...this.#options(), instance: undefined, presentation: undefined });
  }

  #options(): TokenGateErrorOptions {
    const { cause, requiredScopes, extensions, retryAfter, presentation, instance, stepUp } = this;
    return { cause, requiredScopes, extensions, retryAfter, presentation, instance, ...(stepUp === undefined ? {} : { stepUp }) };
  }

  /** The RFC 9457 body, with `error` and `error_description` unless no credentials were sent. */
  toProblem(): ProblemDetails {
    const info = ERROR_CODES[this.code];
    const body: Record<string, unknown> = {
      type: `${this.presentation.problemTypeBase}${this.code}`,
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

  /** A plain JSON view for loggers: the problem body. */
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
