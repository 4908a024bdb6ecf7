/** Setting the TOKENGATE_* variables for a test and putting the previous values back. */

/** The variables tokengate reads when no options are passed. */
export const TOKENGATE_VARIABLES = ['TOKENGATE_ISSUER', 'TOKENGATE_AUDIENCE', 'TOKENGATE_JWKS_URI'] as const;

/** Values for some of the variables; the others (and `undefined` ones) are removed. */
export type TokenGateEnvironment = Partial<Record<(typeof TOKENGATE_VARIABLES)[number], string | undefined>>;

function assign(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Makes the TOKENGATE_* variables exactly `values` and returns a function restoring the previous ones. */
export function setEnvironment(values: TokenGateEnvironment): () => void {
  const saved = TOKENGATE_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of TOKENGATE_VARIABLES) assign(name, values[name]);
  return () => {
    for (const [name, value] of saved) assign(name, value);
  };
}

/** Runs `run` with the TOKENGATE_* variables exactly `values`, then restores the previous ones. */
export async function withEnvironment(values: TokenGateEnvironment, run: () => Promise<void>): Promise<void> {
  const restore = setEnvironment(values);
  try {
    await run();
  } finally {
    restore();
  }
}
