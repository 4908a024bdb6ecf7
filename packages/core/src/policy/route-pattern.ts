/**
 * Route-policy path patterns, matched segment by segment in time linear in the path's length:
 * literal segments, `:name` for one non-empty segment, `*` inside a segment for any characters
 * of that one segment, and at the very end `/*` (the path itself and everything below it) or
 * `seg*` (a last segment starting `seg`, and anything below it). A `*` never spans segments
 * elsewhere, so `/v1/*\/public` cannot hand its decision to `/v1/admin/users/public`.
 */

/** One compiled segment: `:name`, or a glob (literal text with in-segment `*`s). */
type SegmentPattern = { readonly kind: 'parameter' } | { readonly kind: 'glob'; readonly parts: readonly string[]; readonly lower: readonly string[] };

/** A request path split once for every row of a table (see `routeSegments`). */
export interface RouteSegments {
  readonly exact: readonly string[];
  /** The same segments lower-cased, for case-insensitive rows. */
  readonly lower: readonly string[];
}

/** A compiled pattern. */
export interface RoutePattern {
  /** Whether the path's segments match; `anyCase` compares letters case-insensitively. */
  matches(path: RouteSegments, anyCase: boolean): boolean;
}

function compileSegment(segment: string): SegmentPattern {
  if (segment.startsWith(':')) return { kind: 'parameter' };
  const parts = segment.split('*');
  return { kind: 'glob', parts, lower: parts.map((part) => part.toLowerCase()) };
}

/**
 * Whether `text` (one segment, no `/`) matches the glob `parts` (the text between `*`s): the first
 * part is a prefix, the last a suffix, the others found in order, each as early as it can be
 * (taking the earliest occurrence never loses a match), so the work is linear in `text`'s length
 * for a fixed pattern.
 */
function globMatches(parts: readonly string[], text: string): boolean {
  const first = parts[0] as string;
  if (parts.length === 1) return text === first;
  const last = parts[parts.length - 1] as string;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let index = 1; index < parts.length - 1; index += 1) {
    const part = parts[index] as string;
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

function segmentMatches(pattern: SegmentPattern, segment: string, anyCase: boolean): boolean {
  if (pattern.kind === 'parameter') return segment !== '';
  return globMatches(anyCase ? pattern.lower : pattern.parts, segment);
}

/** The path's segments, a trailing slash tolerated (`/x/` is `/x`); `/` has none. */
function segmentsOf(path: string): string[] {
  const segments = path.split('/').slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  return segments;
}

/**
 * A decoded, origin-form path split into segments once per request, whatever the number of rows.
 * @example routeSegments('/v1/Files/') // { exact: ['v1', 'Files'], lower: ['v1', 'files'] }
 */
export function routeSegments(path: string): RouteSegments {
  const exact = segmentsOf(path);
  return { exact, lower: exact.map((segment) => segment.toLowerCase()) };
}

/**
 * Compile a pattern once (at start-up).
 * @throws TypeError when the pattern does not start with `/`.
 * @example compileRoutePattern('/v1/orgs/:org/repos*').matches(routeSegments('/v1/orgs/acme/repos/7'), true) // => true
 */
export function compileRoutePattern(path: string): RoutePattern {
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`Route pattern must start with "/" (got ${JSON.stringify(path)})`);
  const segments = segmentsOf(path);
  const lastSegment = segments[segments.length - 1];
  // `/x/*`: `x` and everything below; `/x/jobs*`: a last segment starting `jobs`, and below it.
  const restAfterBody = path.endsWith('/*');
  const restInLast = !restAfterBody && lastSegment !== undefined && lastSegment.endsWith('*');
  const body = (restAfterBody ? segments.slice(0, -1) : segments).map(compileSegment);
  const rest = restAfterBody || restInLast;
  return Object.freeze({
    matches(path: RouteSegments, anyCase: boolean): boolean {
      const given = anyCase ? path.lower : path.exact;
      if (rest ? given.length < body.length : given.length !== body.length) return false;
      for (let index = 0; index < body.length; index += 1) {
        if (!segmentMatches(body[index] as SegmentPattern, given[index] as string, anyCase)) return false;
      }
      return true;
    },
  });
}
