/** Time as token claims count it. */

/** Whole epoch seconds now. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
