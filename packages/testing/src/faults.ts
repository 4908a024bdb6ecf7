/**
 * Mutable switches that make the issuer misbehave. Flip them between requests; the server
 * reads them for every request. See the README for which requests each one affects.
 *
 * @example
 * ```ts
 * issuer.faults.status = 503;
 * await expect(fetch(issuer.jwksUri)).resolves.toHaveProperty('status', 503);
 * issuer.faults.reset();
 * ```
 */
export interface FaultSwitches {
  /** Reset the connection of every request without answering (counted all the same). */
  down: boolean;
  /** Delay every response by this many milliseconds; `0` = no delay. Timers never outlive `close()`. */
  slowMs: number;
  /** Answer every JWKS, metadata and introspection request with this HTTP status (an integer 200–599); `null` = off. */
  status: number | null;
  /** With `status`: the body to answer with (`application/json`) instead of `{"error":"injected_fault",…}`; `null` = off. */
  statusBody: string | null;
  /** With `status`: a `Retry-After` header to send (delta-seconds or an HTTP-date); `null` = none. */
  retryAfter: string | null;
  /** Answer JWKS, metadata and introspection requests with `200` and a body that is not valid JSON. */
  garbage: boolean;
  /** Answer the JWKS request with exactly this body (`200`, `application/json`); `null` = off. */
  jwksBody: string | null;
  /** Answer every introspection request with exactly this body (`200`, `application/json`), before client authentication; `null` = off. */
  introspectionBody: string | null;
  /** Answer JWKS, metadata and introspection requests with `302` pointing at the same URL. */
  redirectLoop: boolean;
  /** Turns every switch off. */
  reset(): void;
}

/**
 * Creates a set of switches, all off.
 *
 * @example
 * ```ts
 * const faults = createFaultSwitches();
 * faults.garbage = true;
 * faults.reset(); // faults.garbage === false
 * ```
 */
export function createFaultSwitches(): FaultSwitches {
  const faults: FaultSwitches = {
    down: false,
    slowMs: 0,
    status: null,
    statusBody: null,
    retryAfter: null,
    garbage: false,
    jwksBody: null,
    introspectionBody: null,
    redirectLoop: false,
    reset() {
      faults.down = false;
      faults.slowMs = 0;
      faults.status = null;
      faults.statusBody = null;
      faults.retryAfter = null;
      faults.garbage = false;
      faults.jwksBody = null;
      faults.introspectionBody = null;
      faults.redirectLoop = false;
    },
  };
  return faults;
}

/**
 * The body served while {@link FaultSwitches.garbage} is on: truncated, invalid JSON.
 *
 * @example
 * ```ts
 * expect(() => JSON.parse(GARBAGE_BODY)).toThrow(SyntaxError);
 * ```
 */
export const GARBAGE_BODY = '{"keys": [ {"kty": "RSA", <<not json>>';
