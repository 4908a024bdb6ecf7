/**
 * `createVerifier` options: validated once, defaults applied, frozen. Never mutates the input.
 * Every failure is a `TypeError` naming the option.
 */
import { DEFAULT_PROBLEM_TYPE_BASE } from '../errors/problem.js';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, isSupportedAlgorithm } from '../jwt/algorithms.js';
import { resolveJwksSnapshot } from '../keys/snapshot.js';
import { platform } from '../platform/current.js';
import type { TokenMethod } from '../request/extract.js';
import { DEFAULT_SCOPE_CLAIMS } from '../token/scopes.js';
import { classifyToken } from '../token/token-type.js';
import { checkBlock, resolveCache, resolveIntrospection, resolveJwks, resolveOpaqueCache } from './blocks.js';
import { checkSecureUrl, fail, nonNegative, optionalBoolean, optionalFunction, stringList } from './checks.js';
import { checkKnownOptions } from './known-options.js';
import { CACHE_OPTION_NAMES, INTROSPECTION_OPTION_NAMES, JWKS_OPTION_NAMES, RENAMED_INTROSPECTION_OPTIONS, RENAMED_JWKS_OPTIONS, SCOPE_CLAIM_OPTION_NAMES, VERIFIER_OPTION_NAMES } from './names.js';
import type { ResolvedOptions } from './resolved.js';
import { resolveCors, resolveResource } from './resource.js';
import { compileScopeImplications } from '../token/scope-implications.js';
import { resolvePreset } from '../token/presets/index.js';
import { classifierOf, createIssuerTable, singleIssuerTable, type IssuerDefaults } from './issuers.js';
import type { VerificationMode, VerifierOptions } from './types.js';
import { resolveDenyList, resolveDpop, resolveMtls, resolvePublicOrigin } from './binding.js';

const TOKEN_METHODS: readonly TokenMethod[] = ['header', 'query', 'body'];
const MODES: readonly VerificationMode[] = ['jwt', 'introspect', 'auto'];

function resolveAlgorithms(options: VerifierOptions, secret: Uint8Array | undefined): Set<string> {
  const requested = options.algorithms === undefined ? [...ASYMMETRIC_ALGORITHMS, ...(secret ? HMAC_ALGORITHMS : [])] : options.algorithms;
  if (!Array.isArray(requested) || requested.length === 0) fail('algorithms', 'must be a non-empty array');
  for (const alg of requested) {
    if (typeof alg !== 'string' || !isSupportedAlgorithm(alg)) fail('algorithms', `contains an unsupported algorithm: ${JSON.stringify(alg)}`);
    if (HMAC_ALGORITHMS.includes(alg) && !secret) fail('algorithms', `lists ${alg}, which needs the "secret" option`);
  }
  return new Set(requested);
}

function resolveSecret(secret: VerifierOptions['secret']): Uint8Array | undefined {
  if (secret === undefined) return undefined;
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (!(bytes instanceof Uint8Array) || bytes.length < 32) fail('secret', 'must be a string or Uint8Array of at least 32 bytes');
  return bytes;
}

function resolveMethods(methods: unknown): Set<TokenMethod> {
  if (methods === undefined) return new Set(['header']);
  if (!Array.isArray(methods) || methods.length === 0) fail('tokenMethods', 'must be a non-empty array');
  for (const method of methods) if (!TOKEN_METHODS.includes(method)) fail('tokenMethods', `contains an unknown method: ${JSON.stringify(method)}`);
  return new Set(methods as TokenMethod[]);
}

function resolveMode(mode: unknown, opaque: boolean): VerificationMode {
  if (mode === undefined) return opaque ? 'auto' : 'jwt';
  if (!MODES.includes(mode as VerificationMode)) fail('mode', `must be "jwt", "introspect" or "auto" (got ${JSON.stringify(mode)})`);
  if (mode !== 'jwt' && !opaque) fail('mode', `"${String(mode)}" needs the "introspection" or "resolveToken" option`);
  return mode as VerificationMode;
}

/** Names known, blocks known, required options present. */
function checkShape(options: VerifierOptions): void {
  if (options === null || typeof options !== 'object') throw new TypeError('createVerifier() needs an options object with "issuer" and "audience"');
  checkKnownOptions(options, VERIFIER_OPTION_NAMES, 'createVerifier() options');
  checkBlock(options.jwks, JWKS_OPTION_NAMES, 'jwks', RENAMED_JWKS_OPTIONS);
  checkBlock(options.introspection, INTROSPECTION_OPTION_NAMES, 'introspection', RENAMED_INTROSPECTION_OPTIONS);
  checkBlock(options.cache, CACHE_OPTION_NAMES, 'cache');
  checkBlock(options.scopeClaims, SCOPE_CLAIM_OPTION_NAMES, 'scopeClaims');
  if (options.issuer === undefined && options.issuers === undefined) fail('issuer', 'is required (the token issuer URL, e.g. https://auth.example.com/)');
  if (options.issuer !== undefined && options.issuers !== undefined) fail('issuers', 'cannot be combined with "issuer"; list every issuer in "issuers"');
  if (options.issuers !== undefined && options.jwksUri !== undefined) fail('jwksUri', 'goes into each entry of "issuers"');
  if (options.audience === undefined && options.resource === undefined && options.issuers === undefined) fail('audience', 'is required (the identifier of this API), unless "resource" is set');
}

/**
 * The issuers, each a secure URL (or an issuer the preset knows, such as a Google service
 * account's e-mail address), and the JWKS URL, which only a single issuer may fix.
 */
function resolveIssuers(options: VerifierOptions): Pick<ResolvedOptions, 'preset' | 'issuers' | 'issuerTable' | 'audiences'> {
  const preset = resolvePreset(options.preset);
  const allowHttp = options.dangerouslyAllowHttpIssuer === true;
  const audiences = options.audience !== undefined ? stringList(options.audience, 'audience') : typeof options.resource === 'string' ? [options.resource] : undefined;
  const defaults: IssuerDefaults = { audiences, preset, classify: optionalFunction(options.classify, 'classify'), fallbackClassify: classifyToken, allowHttp };
  if (options.issuers !== undefined) {
    const issuerTable = createIssuerTable(options.issuers, defaults);
    return { preset, issuers: issuerTable.exact, issuerTable, audiences: Object.freeze(audiences ?? []) };
  }
  const issuers = stringList(options.issuer, 'issuer');
  for (const issuer of issuers) if (preset?.acceptsIssuer?.(issuer) !== true) checkSecureUrl(issuer, 'issuer', allowHttp);
  if (options.jwksUri !== undefined) {
    if (issuers.length > 1) fail('jwksUri', 'can be used with a single issuer only; several issuers are discovered one by one');
    if (typeof options.jwksUri !== 'string' || !URL.canParse(options.jwksUri)) fail('jwksUri', 'must be an absolute URL');
    // The keys decide everything: they come over https (or from loopback), like the issuer's metadata.
    checkSecureUrl(options.jwksUri, 'jwksUri', allowHttp);
  }
  return { preset, issuers: Object.freeze(issuers), issuerTable: singleIssuerTable(issuers, options.jwksUri, defaults), audiences: Object.freeze(audiences ?? []) };
}

/** `resource`, `protectedResource`, `cors` and `scopeImplications`. */
function resourceOptions(options: VerifierOptions): Pick<ResolvedOptions, 'resource' | 'cors' | 'expandScopes'> {
  return {
    resource: resolveResource(options.resource, options.protectedResource, options.dangerouslyAllowHttpIssuer === true),
    cors: resolveCors(options.cors),
    expandScopes: compileScopeImplications(options.scopeImplications),
  };
}

/**
 * `dpop`, `mtls` and where the public origin comes from. DPoP's `htu` names the URL the client
 * called, so it is checked against a configured origin (or a trusted proxy's headers), never
 * against whatever `Host` the request claims.
 */
function bindingOptions(options: VerifierOptions, clock: ResolvedOptions['clock']): Pick<ResolvedOptions, 'dpop' | 'mtls' | 'publicOrigin' | 'trustProxy' | 'dangerouslyAcceptBoundTokensAsBearer' | 'denyList'> {
  const allowHttp = options.dangerouslyAllowHttpIssuer === true;
  const publicOrigin = resolvePublicOrigin(options.publicOrigin, allowHttp) ?? (typeof options.resource === 'string' && URL.canParse(options.resource) ? new URL(options.resource).origin : undefined);
  const trustProxy = optionalBoolean(options.trustProxy, 'trustProxy');
  const dpop = resolveDpop(options.dpop, clock);
  if (dpop !== undefined && publicOrigin === undefined && !trustProxy) {
    fail('dpop', 'needs the public origin of this API to check each proof\'s "htu": set "publicOrigin" (e.g. "https://api.example.com"), or "resource", or "trustProxy" behind a proxy that sets X-Forwarded-Host');
  }
  const dangerouslyAcceptBoundTokensAsBearer = optionalBoolean(options.dangerouslyAcceptBoundTokensAsBearer, 'dangerouslyAcceptBoundTokensAsBearer');
  return { dpop, mtls: resolveMtls(options.mtls), publicOrigin, trustProxy, dangerouslyAcceptBoundTokensAsBearer, denyList: resolveDenyList(options.denyList) };
}

/** `jwks`: the key set settings, and the key sets to start with (`snapshot`, wall-clock times as jose reads them). */
function keySetOptions(jwks: VerifierOptions['jwks']): Pick<ResolvedOptions, 'jwks' | 'jwksSnapshot'> {
  return { jwks: resolveJwks(jwks), jwksSnapshot: resolveJwksSnapshot(jwks?.snapshot, Date.now()) };
}

/**
 * Validate options and apply defaults.
 * @throws TypeError naming the offending option.
 * @example const options = resolveOptions({ issuer: 'https://auth.example.com/', audience: 'api' });
 */
export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  checkShape(options);
  const issuerOptions = resolveIssuers(options);
  const { preset, issuers } = issuerOptions;
  const secret = resolveSecret(options.secret);
  const introspection = resolveIntrospection(options, issuers);
  const resolveToken = optionalFunction(options.resolveToken, 'resolveToken');
  if (introspection && resolveToken) fail('resolveToken', 'cannot be combined with "introspection"; use one source for opaque tokens');
  const clock = optionalFunction(options.clock, 'clock') ?? Date.now;
  return Object.freeze({
    ...bindingOptions(options, clock),
    ...issuerOptions,
    ...resourceOptions(options),
    jwksUri: options.jwksUri,
    algorithms: resolveAlgorithms(options, secret),
    secret,
    clockTolerance: nonNegative(options.clockTolerance, 'clockTolerance', 5),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : nonNegative(options.maxTokenAge, 'maxTokenAge', 0),
    strict: options.strict === true,
    dangerouslyAllowHttpIssuer: optionalBoolean(options.dangerouslyAllowHttpIssuer, 'dangerouslyAllowHttpIssuer'),
    criticalHeaders: new Set(options.criticalHeaders === undefined ? [] : stringList(options.criticalHeaders, 'criticalHeaders')),
    scopeClaims: Object.freeze({ ...DEFAULT_SCOPE_CLAIMS, ...options.scopeClaims }),
    classify: classifierOf(preset, { classify: optionalFunction(options.classify, 'classify'), fallbackClassify: classifyToken }),
    preset,
    tokenMethods: resolveMethods(options.tokenMethods),
    maxTokenLength: Math.floor(nonNegative(options.maxTokenLength, 'maxTokenLength', 8192)),
    realm: typeof options.realm === 'string' ? options.realm : 'api',
    problemTypeBase: typeof options.problemTypeBase === 'string' ? options.problemTypeBase : DEFAULT_PROBLEM_TYPE_BASE,
    onError: optionalFunction(options.onError, 'onError'),
    ...keySetOptions(options.jwks),
    fetch: optionalFunction(options.fetch, 'fetch') ?? ((input: string | URL, init?: RequestInit) => fetch(input, init)),
    clock,
    signatureVerifier: optionalFunction(options.signatureVerifier, 'signatureVerifier') ?? platform.verifySignature,
    cache: resolveCache(options.cache),
    introspection,
    opaqueCache: resolveOpaqueCache(options),
    resolveToken,
    mode: resolveMode(options.mode, introspection !== undefined || resolveToken !== undefined),
  });
}
