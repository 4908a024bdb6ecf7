/**
 * Options objects are checked for names tokengate does not know. In JavaScript nothing else
 * catches a typo, and a typo in a requirement (`scope` for `scopes`) would silently let through
 * tokens that lack the scope: an unknown name is a `TypeError` at start-up that names it and
 * suggests the nearest known one.
 */

/** The names an options type has, written once as a record so the compiler keeps it complete. */
export type OptionNames<T> = { readonly [K in keyof Required<T>]: true };

/** Edit distance between two short names (case-insensitive), bounded work: names are short. */
function distance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] as number;
}

/** The known name closest to `name`, when it is close enough to be a typo of it. */
function nearest(name: string, known: readonly string[]): string | undefined {
  const normalized = name.replace(/[_-]/g, '').toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    // `jwks_uri` for `jwksUri`, `JWKSURI`: the same name but for case and separators.
    const score = candidate.toLowerCase() === normalized ? 0 : distance(name.length > 64 ? name.slice(0, 64) : name, candidate);
    if (score < bestDistance) {
      best = candidate;
      bestDistance = score;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Throw a `TypeError` for the first own key of `value` that is not in `known`.
 * @param where - Where the object was given, for the message: `createVerifier() options`, `a route rule`.
 * @param hints - Extra advice for names that belong elsewhere (`issuer` in guard options: use `source`).
 * @throws TypeError `Unknown option "scope" in requireToken() requirement; did you mean "scopes"?`
 * @example checkKnownOptions({ clockTolerence: 5 }, ['clockTolerance'], 'createVerifier() options');
 */
export function checkKnownOptions(value: object, known: readonly string[] | OptionNames<object>, where: string, hints: Readonly<Record<string, string>> = {}): void {
  const names = Array.isArray(known) ? (known as readonly string[]) : Object.keys(known);
  for (const key of Object.keys(value)) {
    if (names.includes(key)) continue;
    const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
    const hint = Object.hasOwn(hints, key) ? hints[key] : undefined;
    const suggestion = nearest(key, names);
    const advice = hint ?? (suggestion !== undefined ? `did you mean "${suggestion}"?` : `known options: ${names.join(', ')}`);
    throw new TypeError(`Unknown option ${shown} in ${where}; ${advice}`);
  }
}

/** Verifier options given where adapter or guard options belong: the hint says where they go. */
export const MISPLACED_VERIFIER_OPTIONS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    ['issuer', 'audience', 'jwksUri'].map((name) => [name, 'verifier options go in the first argument of auth() (or the plugin options), or in { source: { issuer, audience } } for a guard']),
  ),
);
