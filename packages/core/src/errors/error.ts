/**
 * `TokenGateError`: every failure, with its OAuth code, HTTP status, RFC 9457 body and RFC 6750
 * challenge. Immutable: a verifier renders an error with its realm and problem base by making a
 * presented copy (same `instance`), never by changing it.
 */
import type { ChallengeScheme } from './challenge.js';
import { headersOf, type ErrorHeaders } from './error-headers.js';

export type { ErrorHeaders } from './error-headers.js';
import { ERROR_CODES, type TokenGateErrorCode } from './codes.js';
import { createInstanceId, DEFAULT_PROBLEM_TYPE_BASE, type ProblemDetails } from './problem.js';

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
  /** DPoP is accepted (RFC 9449 §7.1): challenges name the DPoP scheme and its algorithms. */
  readonly dpop?: DpopPresentation | undefined;
  /**
   * The scheme the failed request used: its challenge carries the error. Default `Bearer`, or
   * `DPoP` where DPoP is required.
   */
  readonly scheme?: ChallengeScheme | undefined;
}

/** How a verifier that accepts DPoP challenges. */
export interface DpopPresentation {
  /** Proof algorithms accepted (`algs`). */
  readonly algorithms: readonly string[];
  /** Bearer is not accepted: only the DPoP challenge is sent. */
  readonly required: boolean;
  /** A fresh server nonce (RFC 9449 §8), sent as `DPoP-Nonce` on every 401, when nonces are on. */
  readonly nonce?: (() => string) | undefined;
}

/** Options for a single error. */
export interface TokenGateErrorOptions {
  /** The underlying error (a jose error, a network error). Kept for logs, never serialised. */
  readonly cause?: unknown;
  /** Scopes the resource requires (`insufficient_scope`): the challenge's `scope` parameter. */
  readonly requiredScopes?: readonly string[];
  /** Extra members for the problem body, e.g. `missing_scopes`. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Seconds for `Retry-After` on a 503 or 429. Default 5. */
  readonly retryAfter?: number;
  /** More response headers (`RateLimit`, `RateLimit-Policy` on a 429). */
  readonly responseHeaders?: Readonly<Record<string, string>>;
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

const DEFAULT_PRESENTATION: ErrorPresentation = Object.freeze({ realm: 'api', problemTypeBase: DEFAULT_PROBLEM_TYPE_BASE });

/**
 * Marks every `TokenGateError`, whichever copy of this package made it: an application that loads
 * both the ESM and the CommonJS build has two classes, and `instanceof` sees only one.
 */
const BRAND = Symbol.for('tokengate.error');

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
  /** `Retry-After` seconds for 503 and 429 responses. */
  readonly retryAfter: number;
  /** More response headers this failure carries (rate limits). */
  readonly responseHeaders: Readonly<Record<string, string>>;
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
    this.responseHeaders = Object.freeze({ ...options.responseHeaders });
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
    const { cause, requiredScopes, extensions, retryAfter, responseHeaders, presentation, instance, stepUp } = this;
    return { cause, requiredScopes, extensions, retryAfter, responseHeaders, presentation, instance, ...(stepUp === undefined ? {} : { stepUp }) };
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
