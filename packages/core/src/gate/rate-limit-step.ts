/**
 * The step of `rateLimit()`: the request's token (authenticated once, as every guard does), then
 * one count for its client. Allowed requests carry the `RateLimit` headers on their response;
 * refused ones are 429. A store that cannot count lets the request through (reported to `onError`)
 * or, with `failOpen: false`, answers 503.
 */
import { TokenGateError } from '../errors/error.js';
import { counterKey, rateLimited, rateLimitHeaders, type CompiledRateLimit } from '../policy/rate-limit.js';
import { bounded, STORE_TIMEOUT_MS } from '../store/bounded.js';
import type { RateLimitOutcome } from '../store/rate-limiter.js';
import type { Gate } from './gate.js';
import { addResponseHeaders } from './request-state.js';
import { ANY_TOKEN, createStep, type Step, type StepSettings } from './steps.js';

/**
 * Create the step of one limit.
 * @example const step = createRateLimitStep(gate, { optional: false }, compileRateLimit({ points: 100, duration: 60 }, names));
 */
export function createRateLimitStep(gate: Gate, settings: StepSettings, limit: CompiledRateLimit): Step {
  const authenticate = createStep(gate, settings, ANY_TOKEN);
  return async function rateLimitStep(input) {
    const token = await authenticate(input);
    if (token === undefined) return undefined;
    let outcome: RateLimitOutcome;
    try {
      const counted = limit.limiter.consume(counterKey(limit, token));
      outcome = await (limit.shared ? bounded(counted, STORE_TIMEOUT_MS) : counted);
    } catch (cause) {
      // Reported either way (saying what became of the request); the policy decides whether it goes on.
      const description = limit.failOpen ? 'The rate limit could not be counted; the request was let through (failOpen)' : 'The rate limit cannot be counted right now; try again shortly';
      const failure = gate.fail(input.request, new TokenGateError('temporarily_unavailable', description, { cause, retryAfter: 1 }));
      if (limit.failOpen) return token;
      throw failure;
    }
    addResponseHeaders(input.request, rateLimitHeaders(limit, outcome));
    if (!outcome.allowed) throw gate.fail(input.request, rateLimited(limit, outcome));
    return token;
  };
}
