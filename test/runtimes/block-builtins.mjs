/**
 * Loaded with `node --import` before anything else: from here on, no module can load a Node
 * built-in (`node:crypto`, `crypto`, `buffer`, … whether by `import` or by `require`), and the
 * `Buffer` global throws when code outside Node itself touches it (Node's own `fetch` is built on
 * it, so it cannot simply be deleted). What then still runs needs nothing but what every Web
 * runtime has.
 */
import Module, { isBuiltin, register } from 'node:module';

register(new URL('./block-builtins-hooks.mjs', import.meta.url));

const load = Module._load;
Module._load = function blockedLoad(request, ...rest) {
  if (isBuiltin(request)) throw new Error(`Node built-in ${request} is not available here (required)`);
  return load.call(this, request, ...rest);
};

/** Whether the code touching `Buffer` is a module file (ours or a dependency) rather than Node's internals. */
function touchedFromModules() {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const caller = frames.find((frame) => !frame.includes('block-builtins.mjs'));
  return caller !== undefined && !caller.includes('node:');
}

function refuse() {
  throw new ReferenceError('Buffer is not available here');
}

const { Buffer } = globalThis;
globalThis.Buffer = new Proxy(Buffer, {
  get: (target, property) => (touchedFromModules() ? refuse() : Reflect.get(target, property)),
  apply: (target, self, args) => (touchedFromModules() ? refuse() : Reflect.apply(target, self, args)),
  construct: (target, args) => (touchedFromModules() ? refuse() : Reflect.construct(target, args)),
});
