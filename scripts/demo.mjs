// The demo needs the framework adapters; until they land it says so.
console.log('tokengate demo: the Express/Koa/Fastify example APIs are coming in the adapters.');
