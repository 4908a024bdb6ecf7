/**
 * Per-tool scopes: an MCP `tools/call` is a JSON-RPC POST, so the scopes a tool needs are read
 * from the parsed body (a single message or a batch) before the request reaches the server.
 */

/** Scopes each tool needs, by tool name. */
export type ToolScopes = Readonly<Record<string, readonly string[]>>;

interface JsonRpcMessage {
  readonly method?: unknown;
  readonly params?: { readonly name?: unknown } | null;
}

/**
 * The tools a parsed JSON-RPC body calls (`tools/call` messages), in order.
 * @example calledTools({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file' } }) // ['read_file']
 */
export function calledTools(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  const names: string[] = [];
  for (const message of messages as JsonRpcMessage[]) {
    if (message === null || typeof message !== 'object' || message.method !== 'tools/call') continue;
    const name = message.params?.name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

/**
 * The scopes a request needs: `base` plus those of every tool it calls, each once, in order.
 * @example requiredScopes(['mcp'], { read_file: ['files:read'] }, ['read_file']) // ['mcp', 'files:read']
 */
export function requiredScopes(base: readonly string[], tools: ToolScopes, called: readonly string[]): string[] {
  const all = new Set(base);
  for (const name of called) for (const scope of Object.hasOwn(tools, name) ? (tools[name] as readonly string[]) : []) all.add(scope);
  return [...all];
}
