// The CommonJS builds load with require() (Node >= 20.19: jose 6 is ESM-only) and expose the API.
const core = require('@tokengate/core');
const names = {
  core: Object.keys(core).length,
  express: typeof require('@tokengate/express').auth,
  koa: typeof require('@tokengate/koa').auth,
  fastify: typeof require('@tokengate/fastify').default,
  testing: typeof require('@tokengate/testing').createTestIssuer,
  mcp: typeof require('@tokengate/mcp').mcpAuth,
  redis: typeof require('@tokengate/redis').redisStore,
  web: typeof require('@tokengate/web').createWebGate,
  hono: typeof require('@tokengate/hono').auth,
  adapter: typeof require('@tokengate/core/adapter').createAdapterKit,
};
const verifier = core.createVerifier({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
console.log(JSON.stringify({ names, verifier: typeof verifier.verify }));
