/**
 * `@tokengate/test-support`: what tokengate's own test suites share (not published).
 * @packageDocumentation
 */
export { bearer } from './authorization.js';
export { BARE_CHALLENGE, bearerChallenge, type ChallengeParameters } from './challenge.js';
export { nowSeconds } from './clock.js';
export { setEnvironment, TOKENGATE_VARIABLES, withEnvironment, type TokenGateEnvironment } from './environment.js';
export { invalidToken, refusal, rejection, rejectionOf, thrown, unavailable } from './failures.js';
export { BUCKET_ROUTE_RULES, type BucketRouteRule } from './gateway-buckets.js';
export { expectProblem, PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE, type Problem, type ProblemExpectation } from './problem.js';
export { startRedisServer, type RedisServer, type RedisServerOptions } from '@tokengate/testing';
export { normaliseResponse, type AnyResponse, type InjectResponse, type NormalisedResponse, type SupertestResponse } from './response.js';
export * from './sentences.js';
export { countingSignatureVerifier, type CountingSignatureVerifier } from './signature.js';
export { beyondLatin1 } from './spelling.js';
