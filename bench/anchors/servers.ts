/**
 * The anchors' HTTP servers as the load generator sees them (no anchor package is imported
 * here); bench/anchors/http-servers.ts builds them in the server processes.
 */
import type { ServerSpec } from '../lib/servers.js';

export const ANCHOR_SERVERS = [
  { id: 'express-oauth2-jwt-bearer', framework: 'express', variant: 'anchor', name: 'express-oauth2-jwt-bearer `auth()`' },
  { id: 'express-jwt', framework: 'express', variant: 'anchor', name: 'express-jwt + jwks-rsa' },
  { id: 'fastify-jwt-static', framework: 'fastify', variant: 'anchor', name: '@fastify/jwt (static public key)' },
  { id: 'fastify-jwt-get-jwks', framework: 'fastify', variant: 'anchor', name: '@fastify/jwt + get-jwks' },
  { id: 'koa-jwt', framework: 'koa', variant: 'anchor', name: 'koa-jwt + jwks-rsa' },
] as const satisfies readonly ServerSpec[];

export type AnchorId = (typeof ANCHOR_SERVERS)[number]['id'];
