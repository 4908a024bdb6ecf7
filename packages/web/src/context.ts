/**
 * The request context of a Web `Request`: headers as core reads them (lower-case names; `Headers`
 * already joins a repeated header with a comma, which extraction refuses as malformed), the
 * method, the query and the target (path and query) of its URL, read only when a step asks. The
 * body is a stream a handler reads once, so the form-body method (RFC 6750 §2.2) sees none.
 */
import type { RequestContext, RequestLike } from '@tokengate/core';

/** A lazily read request context over a Web `Request`. */
export class WebRequestContext implements RequestContext {
  readonly #request: Request;
  #headers: Record<string, string> | undefined;
  #url: URL | undefined;

  constructor(request: Request) {
    this.#request = request;
  }

  get headers(): RequestLike['headers'] {
    if (this.#headers === undefined) {
      const headers: Record<string, string> = {};
      this.#request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      this.#headers = headers;
    }
    return this.#headers;
  }

  get method(): string {
    return this.#request.method;
  }

  /** The query as Node's parsers give it (a repeated name as an array): a token there too is a second method (RFC 6750 §2). */
  get query(): RequestLike['query'] {
    const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [name, value] of this.#parsed.searchParams) {
      const seen = query[name];
      if (seen === undefined) query[name] = value;
      else if (Array.isArray(seen)) seen.push(value);
      else query[name] = [seen, value];
    }
    return query;
  }

  get #parsed(): URL {
    this.#url ??= new URL(this.#request.url);
    return this.#url;
  }

  /** The target as origin-form (`/v1/files?x=1`): what a Node server would have received. */
  get target(): string {
    return `${this.#parsed.pathname}${this.#parsed.search}`;
  }

  get secure(): boolean {
    return this.#parsed.protocol === 'https:';
  }
}
