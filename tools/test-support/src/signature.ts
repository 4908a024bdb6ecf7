/** A signature verifier that counts its calls, to prove a request is verified once. */
import { defaultSignatureVerifier, type SignatureVerifier } from '@tokengate/core';

/** `verify` to pass as `signatureVerifier`; `calls()` counts the checks since creation or `reset()`. */
export interface CountingSignatureVerifier {
  readonly verify: SignatureVerifier;
  calls(): number;
  reset(): void;
}

/** `defaultSignatureVerifier`, counting every call. */
export function countingSignatureVerifier(): CountingSignatureVerifier {
  let calls = 0;
  return {
    verify(key, signingInput, signature) {
      calls += 1;
      return defaultSignatureVerifier(key, signingInput, signature);
    },
    calls: () => calls,
    reset() {
      calls = 0;
    },
  };
}
