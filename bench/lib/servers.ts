/**
 * The HTTP family's servers as the load generator sees them (ids, names, variants), shared by
 * `http.ts` and `http-server.ts`. The anchors' servers are listed in bench/anchors/servers.ts.
 */
import { FRAMEWORKS, type Framework, type HttpVariant } from './types.js';

/** What the servers need to know about the issuer. */
export interface ServerSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  readonly algorithm: string;
  readonly publicKeyPem: string;
}

/** One server of the HTTP family. */
export interface ServerSpec {
  readonly id: string;
  readonly framework: Framework;
  readonly variant: HttpVariant;
  readonly name: string;
}

export type CoreVariant = 'bare' | 'noop' | 'lookup' | 'tokengate';
const CORE_VARIANTS: readonly CoreVariant[] = ['bare', 'lookup', 'tokengate', 'noop'];

const LOOKUP = '(the least a correct cache does; no verification)';
const NAMES: Record<Framework, Record<CoreVariant, string>> = {
  express: {
    bare: 'bare Express 5',
    noop: 'diagnostic: bare + one no-op middleware',
    lookup: `bare + a lookup-only middleware ${LOOKUP}`,
    tokengate: '@tokengate/express `auth()`',
  },
  fastify: {
    bare: 'bare Fastify 5',
    noop: 'diagnostic: bare + one no-op `onRequest` hook',
    lookup: `bare + a lookup-only \`onRequest\` hook ${LOOKUP}`,
    tokengate: '@tokengate/fastify plugin',
  },
  koa: {
    bare: 'bare Koa 3',
    noop: 'diagnostic: bare + one no-op middleware',
    lookup: `bare + a lookup-only middleware ${LOOKUP}`,
    tokengate: '@tokengate/koa `auth()`',
  },
  hono: {
    bare: 'bare Hono 4 on @hono/node-server',
    noop: 'diagnostic: bare + one no-op middleware',
    lookup: `bare + a lookup-only middleware ${LOOKUP}`,
    tokengate: '@tokengate/hono `auth()`',
  },
};

/** The default servers, in report order: per framework bare, the lookup-only row, tokengate and the no-op diagnostic. */
export const CORE_SERVERS: readonly (ServerSpec & { readonly variant: CoreVariant })[] = FRAMEWORKS.flatMap((framework) =>
  CORE_VARIANTS.map((variant) => ({ id: `${framework}-${variant}`, framework, variant, name: NAMES[framework][variant] })),
);
