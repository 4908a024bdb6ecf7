/** Request headers carrying a token. */

/** An `Authorization: Bearer …` header, to spread into a request's headers. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
