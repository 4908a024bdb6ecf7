/**
 * A Next.js route handler, as `app/v1/kits/route.ts`, protected by `@tokengate/web`: each method
 * is `gate.withAuth(handler, requirement)`, a `(request) => Promise<Response>` that Next.js, Bun,
 * Deno and Workers call alike. The issuer and audience come from the environment.
 */
import { createWebGate } from '@tokengate/web';

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Set ${name} (the route needs it to verify tokens)`);
  return value;
}

// One gate per process: one JWKS cache shared by every method of every route that imports it.
const gate = createWebGate({ issuer: setting('TOKENGATE_ISSUER'), audience: setting('TOKENGATE_AUDIENCE'), jwksUri: process.env.TOKENGATE_JWKS_URI || undefined });

/** GET /v1/kits: any token (user or client) with `read:font:data`. */
export const GET = gate.withAuth((_request, auth) => Response.json({ kits: [{ id: 'kit-1', family: 'Helvetica Now' }], caller: auth.clientId ?? null }), { scopes: ['read:font:data'] });

/** POST /v1/kits: a user token with `create:webfonts:kit`; the JSON body names the kit. */
export const POST = gate.withAuth(
  async (request, auth) => {
    const body: unknown = await request.json().catch(() => undefined);
    const name = typeof body === 'object' && body !== null ? (body as { name?: unknown }).name : undefined;
    if (typeof name !== 'string' || name === '') return Response.json({ error: 'A JSON body with a "name" is required' }, { status: 422 });
    return Response.json({ id: 'kit-2', name, owner: auth.subject }, { status: 201 });
  },
  { token: 'user', scopes: ['create:webfonts:kit'] },
);
