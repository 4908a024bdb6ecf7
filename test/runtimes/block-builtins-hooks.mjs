/** Module hooks for block-builtins.mjs: importing a Node built-in fails. */
import { isBuiltin } from 'node:module';

export async function resolve(specifier, context, next) {
  if (isBuiltin(specifier)) throw new Error(`Node built-in ${specifier} is not available here (imported by ${context.parentURL ?? 'the entry'})`);
  return next(specifier, context);
}
