/**
 * The identity-provider presets, by name (`preset` option).
 */
import { cognito } from './cognito.js';
import { entra } from './entra.js';
import { generic } from './generic.js';
import { google } from './google.js';
import { keycloak } from './keycloak.js';
import type { Preset, PresetName } from './preset.js';

export type { Preset, PresetName, PresetOption } from './preset.js';

const NAMES: readonly PresetName[] = ['auth0', 'entra', 'keycloak', 'okta', 'cognito', 'google', 'hydra'];

function fail(rule: string): never {
  throw new TypeError(`"preset" option ${rule}`);
}

/**
 * The preset an option names; `undefined` without one.
 * @throws TypeError for an unknown name or an unknown member.
 * @example resolvePreset({ name: 'cognito', scopePrefix: 'https://api.example.com/' })
 */
export function resolvePreset(option: unknown): Preset | undefined {
  if (option === undefined) return undefined;
  const name: unknown = typeof option === 'string' ? option : option !== null && typeof option === 'object' ? (option as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || !NAMES.includes(name as PresetName)) fail(`must be one of ${NAMES.map((known) => `"${known}"`).join(', ')} (got ${JSON.stringify(name)})`);
  const settings = (typeof option === 'object' ? option : {}) as Record<string, unknown>;
  const allowed = name === 'keycloak' ? ['name', 'rolesAsScopes'] : name === 'cognito' ? ['name', 'scopePrefix'] : ['name'];
  for (const key of Object.keys(settings)) if (!allowed.includes(key)) fail(`"${name}" takes ${allowed.slice(1).map((known) => `"${known}"`).join(', ') || 'no options'} (got ${JSON.stringify(key)})`);
  if (settings.rolesAsScopes !== undefined && typeof settings.rolesAsScopes !== 'boolean') fail('"rolesAsScopes" must be a boolean');
  if (settings.scopePrefix !== undefined && typeof settings.scopePrefix !== 'string') fail('"scopePrefix" must be a string');
  if (name === 'entra') return entra;
  if (name === 'google') return google;
  if (name === 'keycloak') return keycloak({ rolesAsScopes: settings.rolesAsScopes as boolean | undefined });
  if (name === 'cognito') return cognito({ scopePrefix: settings.scopePrefix as string | undefined });
  return generic(name as 'auth0' | 'okta' | 'hydra');
}

