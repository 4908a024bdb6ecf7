/**
 * Which issuers a verifier accepts, each with its own settings: the single-issuer form (`issuer`
 * with the top-level `audience`, `jwksUri` and `preset`), or `issuers: [{ issuer, audience?,
 * jwksUri?, preset?, tenants? }]`. An issuer may be a template with `{tenantid}` (Entra ID
 * multi-tenant apps): a token's `iss` matches it only when its `tid` names the same tenant and
 * that tenant is allowed.
 */
import { resolvePreset, type Preset, type PresetOption } from '../token/presets/index.js';
import type { Claims, TokenType } from '../token/types.js';
import { checkSecureUrl, fail, stringList } from './checks.js';
import { checkKnownOptions, type OptionNames } from './known-options.js';

/** One accepted issuer and its settings. */
export interface IssuerOptions {
  /** The exact `iss`, or a template with one `{tenantid}` (`https://login.microsoftonline.com/{tenantid}/v2.0`). */
  readonly issuer: string;
  /** Its tokens' audience(s). Default the top-level `audience` (or `resource`). */
  readonly audience?: string | readonly string[];
  /** Its key set, when not discovered. */
  readonly jwksUri?: string;
  /** Its identity provider's token shapes. Default the top-level `preset`. */
  readonly preset?: PresetOption;
  /** For a template: the tenants accepted (a token's `tid` must be one of them). */
  readonly tenants?: readonly string[];
  /** For a template: accept any tenant whose keys its discovery publishes. Never for a single-tenant API. */
  readonly dangerouslyAcceptAnyTenant?: boolean;
}

/** An issuer's settings after validation. */
export interface IssuerSettings {
  /** As configured (a template keeps its `{tenantid}`). */
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly jwksUri: string | undefined;
  readonly preset: Preset | undefined;
  readonly classify: (claims: Claims) => TokenType;
  /** A template's parts and its tenants (`undefined`: any tenant). */
  readonly template: { readonly prefix: string; readonly suffix: string; readonly tenants: ReadonlySet<string> | undefined } | undefined;
}

/** The accepted issuers. */
export interface IssuerTable {
  /** The exact issuers (templates left out): discovery, readiness, `authorization_servers`. */
  readonly exact: readonly string[];
  /** Every configured issuer as written (templates with `{tenantid}`), for messages. */
  readonly names: readonly string[];
  /** Every issuer's settings, in configuration order. */
  readonly all: readonly IssuerSettings[];
  /** Settings for a token's `iss` and `tid`; `undefined` when it is not accepted. */
  find(iss: string, claims: Claims): IssuerSettings | undefined;
  /** Settings for an issuer already accepted (its key set, its metadata). */
  settingsOf(issuer: string): IssuerSettings | undefined;
}

const NAMES: OptionNames<IssuerOptions> = { issuer: true, audience: true, jwksUri: true, preset: true, tenants: true, dangerouslyAcceptAnyTenant: true };
const TENANT = '{tenantid}';
const SAMPLE_TENANT = '00000000-0000-0000-0000-000000000000';

/** What entries inherit, and how URLs are judged. */
export interface IssuerDefaults {
  readonly audiences: readonly string[] | undefined;
  readonly preset: Preset | undefined;
  readonly classify: ((claims: Claims) => TokenType) | undefined;
  readonly fallbackClassify: (claims: Claims) => TokenType;
  readonly allowHttp: boolean;
}

/**
 * How an issuer's tokens are classified: the application's `classify`, else its preset's, else
 * the generic rules.
 */
export function classifierOf(preset: Preset | undefined, defaults: Pick<IssuerDefaults, 'classify' | 'fallbackClassify'>): (claims: Claims) => TokenType {
  return defaults.classify ?? preset?.classify ?? defaults.fallbackClassify;
}

function templateOf(entry: IssuerOptions, where: string): IssuerSettings['template'] {
  const at = entry.issuer.indexOf(TENANT);
  if (at < 0) {
    if (entry.tenants !== undefined || entry.dangerouslyAcceptAnyTenant !== undefined) fail(`${where}.tenants`, `needs an issuer template with "${TENANT}"`);
    return undefined;
  }
  if (entry.issuer.indexOf(TENANT, at + 1) >= 0) fail(`${where}.issuer`, `may hold "${TENANT}" once`);
  const anyTenant = entry.dangerouslyAcceptAnyTenant === true;
  if (!anyTenant && entry.tenants === undefined) fail(`${where}.tenants`, 'is required for an issuer template (or "dangerouslyAcceptAnyTenant")');
  const tenants = anyTenant ? undefined : new Set(stringList(entry.tenants, `${where}.tenants`));
  return { prefix: entry.issuer.slice(0, at), suffix: entry.issuer.slice(at + TENANT.length), tenants };
}

function settingsFor(entry: IssuerOptions, where: string, defaults: IssuerDefaults): IssuerSettings {
  if (entry === null || typeof entry !== 'object') fail(where, 'must be an object with "issuer"');
  checkKnownOptions(entry, NAMES, `the ${where} options`);
  if (typeof entry.issuer !== 'string' || entry.issuer === '') fail(`${where}.issuer`, 'must be a non-empty string');
  const preset = entry.preset === undefined ? defaults.preset : resolvePreset(entry.preset);
  const template = templateOf(entry, where);
  const sample = template === undefined ? entry.issuer : entry.issuer.replace(TENANT, SAMPLE_TENANT);
  if (preset?.acceptsIssuer?.(sample) !== true) checkSecureUrl(sample, `${where}.issuer`, defaults.allowHttp);
  if (entry.jwksUri !== undefined) checkSecureUrl(String(entry.jwksUri), `${where}.jwksUri`, defaults.allowHttp);
  const audiences = entry.audience === undefined ? defaults.audiences : stringList(entry.audience, `${where}.audience`);
  if (audiences === undefined) fail(`${where}.audience`, 'is required (or a top-level "audience" or "resource")');
  const classify = classifierOf(preset, defaults);
  return Object.freeze({ issuer: entry.issuer, audiences: Object.freeze([...audiences]), jwksUri: entry.jwksUri, preset, classify, template });
}

function tenantMatch(settings: IssuerSettings, iss: string, tid: unknown): boolean {
  const template = settings.template;
  if (template === undefined || !iss.startsWith(template.prefix) || !iss.endsWith(template.suffix)) return false;
  const tenant = iss.slice(template.prefix.length, iss.length - template.suffix.length);
  if (tenant === '' || tenant.includes('/') || tenant !== tid) return false;
  return template.tenants === undefined || template.tenants.has(tenant);
}

/** The table of validated settings. */
function tableOf(all: readonly IssuerSettings[]): IssuerTable {
  const exact = new Map(all.filter((settings) => settings.template === undefined).map((settings) => [settings.issuer, settings]));
  const templates = all.filter((settings) => settings.template !== undefined);
  const tenantOf = (settings: IssuerSettings, issuer: string): string => {
    const { prefix, suffix } = settings.template as NonNullable<IssuerSettings['template']>;
    return issuer.slice(prefix.length, issuer.length - suffix.length);
  };
  return Object.freeze({
    exact: Object.freeze([...exact.keys()]),
    names: Object.freeze(all.map((settings) => settings.issuer)),
    all: Object.freeze([...all]),
    find: (iss: string, claims: Claims) => exact.get(iss) ?? templates.find((settings) => tenantMatch(settings, iss, claims.tid)),
    // Already accepted: the tenant is the one its `iss` names.
    settingsOf: (issuer: string) => exact.get(issuer) ?? templates.find((settings) => tenantMatch(settings, issuer, tenantOf(settings, issuer))),
  });
}

/**
 * The issuer table of `issuers: [...]` entries, each validated.
 * @throws TypeError naming the entry and option (`issuers[1].tenants`).
 * @example createIssuerTable([{ issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0', tenants: [tid], preset: 'entra' }], defaults)
 */
export function createIssuerTable(entries: unknown, defaults: IssuerDefaults): IssuerTable {
  if (!Array.isArray(entries) || entries.length === 0) fail('issuers', 'must be a non-empty array of { issuer, audience?, jwksUri?, preset? }');
  return tableOf(entries.map((entry: IssuerOptions, index) => settingsFor(entry, `issuers[${index}]`, defaults)));
}

/**
 * The issuer table of the single-issuer form (`issuer` already validated), all sharing the
 * top-level settings.
 * @example singleIssuerTable(['https://auth.example.com/'], undefined, defaults)
 */
export function singleIssuerTable(issuers: readonly string[], jwksUri: string | undefined, defaults: IssuerDefaults): IssuerTable {
  const classify = classifierOf(defaults.preset, defaults);
  const audiences = Object.freeze([...(defaults.audiences ?? [])]);
  return tableOf(issuers.map((issuer) => Object.freeze({ issuer, audiences, jwksUri, preset: defaults.preset, classify, template: undefined })));
}
