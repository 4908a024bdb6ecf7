/** The adapter kit of this package: verifiers made once, configuration problems logged once. */
import { createAdapterKit, type AdapterKit } from '@tokengate/core/adapter';

export const kit: AdapterKit = createAdapterKit({ environment: process.env, log: (line) => console.error(line) });
