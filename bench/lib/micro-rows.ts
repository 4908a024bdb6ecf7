/**
 * The micro family's default rows: the floor, tokengate's verifier in its cache modes, and two
 * diagnostics (full runs only). The anchors' rows are in bench/anchors/micro-rows.ts.
 */
import { verify as cryptoVerify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { createVerifier, type SignatureVerifier } from '@tokengate/core';
import { AUDIENCE } from './tokens.js';
import { fromAsync, fromSync, type MicroContext, type RowSpec } from './micro-spec.js';

type Decoded = Record<string, unknown>;

function decodePart(part: string): Decoded {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Decoded;
}

/**
 * The floor: the least any JWT verifier must do (`crypto.verify` on a KeyObject made once,
 * base64url, JSON.parse), and the same without the signature check.
 */
function floorFunctions(ctx: MicroContext): { verify: (token: string) => Decoded; decode: (token: string) => Decoded } {
  const { algorithm } = ctx;
  const digest = algorithm === 'EdDSA' ? null : 'sha256';
  const keyInput: KeyObject | VerifyKeyObjectInput = algorithm === 'ES256' ? { key: ctx.publicKey, dsaEncoding: 'ieee-p1363' } : ctx.publicKey;
  const verify = (token: string): Decoded => {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    const header = decodePart(token.slice(0, first));
    const payload = decodePart(token.slice(first + 1, second));
    const ok = cryptoVerify(digest, Buffer.from(token.slice(0, second), 'latin1'), keyInput, Buffer.from(token.slice(second + 1), 'base64url'));
    if (!ok || header.alg !== algorithm) throw new Error('floor: bad signature');
    return payload;
  };
  const decode = (token: string): Decoded => {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    const header = decodePart(token.slice(0, first));
    const payload = decodePart(token.slice(first + 1, second));
    const signingInput = Buffer.from(token.slice(0, second), 'latin1');
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    if (header.alg !== algorithm || signingInput.length === 0 || signature.length === 0) throw new Error('floor: bad token');
    return payload;
  };
  return { verify, decode };
}

interface VerifierTweaks {
  readonly cache?: false;
  readonly signatureVerifier?: SignatureVerifier;
}

/** A tokengate row: `verifier.verify(token)` over `tokens`, the verifier made with `tweaks`. */
function verifierRow(ctx: MicroContext, row: Omit<RowSpec, 'setup' | 'tokengate'>, tweaks: VerifierTweaks, tokens: () => Promise<readonly string[]>): RowSpec {
  return {
    ...row,
    tokengate: true,
    setup: async () => {
      const list = await tokens();
      const verifier = createVerifier({ issuer: ctx.issuer.issuer, audience: AUDIENCE, jwksUri: ctx.issuer.jwksUri, ...tweaks });
      return {
        op: fromAsync((token) => verifier.verify(token), list),
        check: async (token) => (await verifier.verify(token)).subject,
        after: () => {
          if (row.isolated) ctx.observed.cacheEntriesAfterDistinct = verifier.stats().cachedTokens;
        },
      };
    },
  };
}

function tokengateRows(ctx: MicroContext): RowSpec[] {
  const pool = async () => ctx.pool;
  const distinct = `${ctx.distinctPoolSize.toLocaleString('en-US')} distinct`;
  return [
    verifierRow(ctx, { id: 'tokengate-unique', name: 'tokengate `verifier.verify()` (cache off: every call verifies)', tokens: '1,000 pool', target: 'unique-vs-floor' }, { cache: false }, pool),
    verifierRow(
      ctx,
      { id: 'tokengate-distinct', name: 'tokengate `verifier.verify()` (cache on, default size; a cycle of more distinct tokens than the cache holds: every call misses)', tokens: distinct, fastThreshold: true, isolated: true },
      {},
      // Minted only when the row is set up, after the interleaved rows (see `isolated`).
      () => ctx.factory.mintMany(ctx.distinctPoolSize, 'distinct'),
    ),
    verifierRow(ctx, { id: 'tokengate-pool-cached', name: 'tokengate `verifier.verify()` (cache on: hits after the first pass)', tokens: '1,000 pool' }, {}, pool),
    verifierRow(ctx, { id: 'tokengate-same', name: 'tokengate `verifier.verify()` (cache on)', tokens: 'same token', target: 'same-token-rate' }, {}, async () => [ctx.sameToken]),
  ];
}

/** The floor, tokengate's rows and the diagnostics, in report order. */
export function coreRows(ctx: MicroContext): RowSpec[] {
  const floor = floorFunctions(ctx);
  return [
    {
      id: 'floor',
      name: 'floor: crypto.verify (KeyObject made once) + base64url + JSON.parse',
      tokens: '1,000 pool',
      floor: true,
      setup: async () => ({ op: fromSync(floor.verify, ctx.pool), check: async (token) => floor.verify(token).sub }),
    },
    ...tokengateRows(ctx),
    {
      id: 'floor-decode',
      diagnostic: true,
      name: 'diagnostic: the floor without its `crypto.verify` call (decoding only)',
      tokens: '1,000 pool',
      setup: async () => ({ op: fromSync(floor.decode, ctx.pool), check: async (token) => floor.decode(token).sub }),
    },
    verifierRow(
      ctx,
      { id: 'tokengate-unique-nosig', diagnostic: true, name: 'diagnostic: tokengate cache off, `signatureVerifier` stubbed to `true` (everything but the signature)', tokens: '1,000 pool' },
      { cache: false, signatureVerifier: () => true },
      async () => ctx.pool,
    ),
  ];
}
