/**
 * Scope hierarchies: scopes that grant others (`files:write` grants `files:read`). The token keeps
 * its scopes as issued; requirement checks see the effective ones (token/verification-context.ts).
 */
import type { ScopeImplications } from '../options/resource-types.js';

/** Turns granted scopes into effective scopes. */
export type ScopeExpander = (granted: readonly string[]) => readonly string[];

/** Bound on effective scopes from a function, whose graph cannot be checked at start-up. */
const MAX_EFFECTIVE_SCOPES = 1_000;

function fail(rule: string): never {
  throw new TypeError(`"scopeImplications" option ${rule}`);
}

/** The table, checked and closed transitively; a cycle is refused with its path. */
function closeTable(table: Readonly<Record<string, readonly string[]>>): ReadonlyMap<string, readonly string[]> {
  for (const [scope, implied] of Object.entries(table)) {
    if (!Array.isArray(implied) || implied.some((item) => typeof item !== 'string' || item === '')) fail(`must map "${scope}" to an array of scopes`);
  }
  const closed = new Map<string, readonly string[]>();
  const visit = (scope: string, path: readonly string[]): readonly string[] => {
    if (path.includes(scope)) fail(`has a cycle: ${[...path, scope].join(' → ')}`);
    const known = closed.get(scope);
    if (known !== undefined) return known;
    const all = new Set<string>();
    for (const implied of Object.hasOwn(table, scope) ? (table[scope] as readonly string[]) : []) {
      all.add(implied);
      for (const further of visit(implied, [...path, scope])) all.add(further);
    }
    const result = Object.freeze([...all]);
    closed.set(scope, result);
    return result;
  };
  for (const scope of Object.keys(table)) visit(scope, []);
  return closed;
}

/**
 * The expander for `scopeImplications`, or `undefined` when none is configured.
 * @throws TypeError for a table that is not one, or that has a cycle.
 * @example compileScopeImplications({ 'files:write': ['files:read'] })?.(['files:write']) // ['files:write', 'files:read']
 */
export function compileScopeImplications(value: ScopeImplications | undefined): ScopeExpander | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return (granted) => expandWith(granted, value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('must be a table of scope → implied scopes, or a function');
  const closed = closeTable(value);
  return (granted) => {
    const all = new Set(granted);
    for (const scope of granted) for (const implied of closed.get(scope) ?? []) all.add(implied);
    return all.size === granted.length ? granted : Object.freeze([...all]);
  };
}

/** A function's implications, followed transitively (each scope once) up to a bound. */
function expandWith(granted: readonly string[], imply: (scope: string) => readonly string[]): readonly string[] {
  const all = new Set(granted);
  const queue = [...granted];
  while (queue.length > 0 && all.size < MAX_EFFECTIVE_SCOPES) {
    const implied = imply(queue.shift() as string);
    for (const scope of Array.isArray(implied) ? implied : []) {
      if (typeof scope === 'string' && !all.has(scope)) {
        all.add(scope);
        queue.push(scope);
      }
    }
  }
  return Object.freeze([...all]);
}
