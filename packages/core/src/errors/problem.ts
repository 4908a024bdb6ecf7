/**
 * RFC 9457 problem details bodies.
 */

/** An RFC 9457 problem details body, with the OAuth `error` members (RFC 6749 §5.2). */
export interface ProblemDetails {
  /** A stable URI naming the problem type; see the problem types in the README. */
  readonly type: string;
  /** A short summary that does not change between occurrences. */
  readonly title: string;
  /** The HTTP status code. */
  readonly status: number;
  /** What went wrong for this request. */
  readonly detail: string;
  /** Unique per response (`urn:uuid:…`): quote it to support. */
  readonly instance: string;
  /** The OAuth error code; absent when the request carried no credentials. */
  readonly error?: string;
  /** Same text as `detail`. */
  readonly error_description?: string;
  /** Extension members (for example `missing_scopes`). */
  readonly [extension: string]: unknown;
}

/** Default base for problem `type` URIs; each code is appended to it. */
export const DEFAULT_PROBLEM_TYPE_BASE = 'https://tokengate.dev/problems/';

/** A fresh `instance` identifier: `urn:uuid:` followed by a random UUID. */
export function createInstanceId(): string {
  return `urn:uuid:${globalThis.crypto.randomUUID()}`;
}

/** The media type of problem details bodies. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
