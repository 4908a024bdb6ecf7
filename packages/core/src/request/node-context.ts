/**
 * The request context of a Node.js `IncomingMessage`, which Express, Koa and Fastify all wrap:
 * everything is read from it only when a step asks. Adapters extend it with what their framework
 * parses (query, body) and where it keeps the original target.
 */
import type { TLSSocket } from 'node:tls';
import type { RequestLike } from '../token/types.js';
import type { RequestContext } from './context.js';

/** What is read of Node's `IncomingMessage` (structurally: any object of this shape works). */
export interface NodeIncoming {
  readonly headers: RequestLike['headers'];
  readonly rawHeaders?: readonly string[] | undefined;
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly socket?: unknown;
}

/** A lazily read request context over a Node.js request. */
export class NodeRequestContext implements RequestContext {
  readonly #incoming: NodeIncoming;

  constructor(incoming: NodeIncoming) {
    this.#incoming = incoming;
  }

  get headers(): RequestLike['headers'] {
    return this.#incoming.headers;
  }

  /** Node keeps only the first of repeated `Authorization` headers in `headers`; extraction checks the raw list. */
  get rawHeaders(): readonly string[] | undefined {
    return this.#incoming.rawHeaders;
  }

  get method(): string | undefined {
    return this.#incoming.method;
  }

  get target(): string | undefined {
    return this.#incoming.url;
  }

  get secure(): boolean {
    return (this.#incoming.socket as Partial<TLSSocket> | undefined)?.encrypted === true;
  }

  get remoteAddress(): string | undefined {
    return (this.#incoming.socket as { remoteAddress?: string } | undefined)?.remoteAddress;
  }

  get peerCertificate(): RequestContext['peerCertificate'] {
    const certificate = (this.#incoming.socket as Partial<TLSSocket> | undefined)?.getPeerCertificate?.();
    return certificate !== undefined && certificate !== null && Object.keys(certificate).length > 0 ? certificate : undefined;
  }
}
