import { createRequire } from 'node:module';
import { enumeratePattern, prefixTester } from './pattern.js';

/** The slice of libphonenumber-js's compressed metadata (format version 4) that zones read. */
interface RawMetadata {
  country_calling_codes: Record<string, string[]>;
  /** [callingCode, iddPrefix, nationalPattern, possibleLengths, formats, ..., [10] leadingDigits, [11] types] */
  countries: Record<string, unknown[]>;
  nonGeographic: Record<string, unknown[]>;
}

const require = createRequire(import.meta.url);
export const metadata = require('libphonenumber-js/metadata.max.json') as RawMetadata;

/** Pseudo-country of the non-geographic calling codes (satellite, freephone, international networks). */
export const NON_GEOGRAPHIC_COUNTRY = 'International Networks';

const NON_GEOGRAPHIC_DESCRIPTIONS: Record<string, string> = {
  '800': 'Freephone',
  '808': 'Shared Cost',
  '870': 'Inmarsat',
  '878': 'Personal Numbering',
  '881': 'Satellite',
  '882': 'International Networks',
  '883': 'International Networks',
  '888': 'Humanitarian',
  '979': 'Premium Rate',
};

export function nonGeographicDescription(callingCode: string): string {
  return NON_GEOGRAPHIC_DESCRIPTIONS[callingCode] ?? 'Other';
}

// CLDR's standard names, except where they would hurt an API client: '&' is the separator of the
// regions path (so 'Trinidad & Tobago' becomes 'Trinidad and Tobago'), and a few names carry
// qualifiers nobody types.
const NAME_OVERRIDES: Record<string, string> = {
  HK: 'Hong Kong',
  MO: 'Macao',
  MM: 'Myanmar',
  CD: 'Democratic Republic of the Congo',
  CG: 'Republic of the Congo',
};
const displayNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** English name of an ISO 3166 alpha-2 region, as zones and the countries API show it. */
export function countryName(iso: string): string {
  const name = NAME_OVERRIDES[iso] ?? displayNames.of(iso) ?? iso;
  return name.replace(/ & /g, ' and ').replace(/’/g, "'");
}

interface CountryRule {
  iso: string;
  /** Could national digits be the start of a valid number of this country (any number type)? */
  startsValid: RegExp;
  /** libphonenumber's leading-digits rule: a number whose national digits match is this country's. */
  leading: RegExp | undefined;
  leadingSource: string | undefined;
}

function ruleOf(iso: string): CountryRule {
  const m = metadata.countries[iso];
  const types = Array.isArray(m[11]) ? (m[11] as unknown[]) : [];
  const patterns = types.flatMap((t) => (Array.isArray(t) && typeof t[0] === 'string' ? [t[0]] : []));
  const leadingSource = typeof m[10] === 'string' ? m[10] : undefined;
  return {
    iso,
    startsValid: prefixTester(patterns.length > 0 ? patterns : [m[2] as string]),
    leading: leadingSource ? new RegExp(`^(?:${leadingSource})`) : undefined,
    leadingSource,
  };
}

/**
 * Finds the country of a dial prefix. Most calling codes belong to one country; for the shared
 * ones (1, 7, 44, 61, ...) it follows libphonenumber's own rule for complete numbers — leading
 * digits first, then the country whose number patterns the digits fit, the main country on a tie.
 */
export class CountryResolver {
  private readonly rules = new Map<string, CountryRule[]>();
  private readonly memo = new Map<string, CountryRule[]>();

  constructor() {
    for (const [cc, isos] of Object.entries(metadata.country_calling_codes)) {
      if (isos.length > 1) this.rules.set(cc, isos.map(ruleOf));
    }
  }

  /** Whether several countries share this calling code, so that a prefix's country depends on its digits. */
  isShared(callingCode: string): boolean {
    return this.rules.has(callingCode);
  }

  /** ISO code of the country owning `national` (digits after the calling code); undefined for a non-geographic code. */
  resolve(callingCode: string, national: string): string | undefined {
    const isos = metadata.country_calling_codes[callingCode];
    if (!isos) return undefined;
    const rules = this.rules.get(callingCode);
    if (!rules) return isos[0];
    // Narrow digit by digit: once only one country can start with these digits, longer ones agree,
    // and memoising the short prefixes keeps ~33k NANP prefixes to ~1k pattern tests.
    let best = rules;
    for (let k = 1; k <= national.length; k++) {
      const fits = this.candidates(callingCode, national.slice(0, k), rules);
      if (fits.length === 0) break;
      best = fits;
      if (fits.length === 1) break;
    }
    return this.pick(best, national).iso;
  }

  private candidates(cc: string, digits: string, rules: CountryRule[]): CountryRule[] {
    const key = `${cc}:${digits}`;
    let fits = this.memo.get(key);
    if (!fits) {
      fits = rules.filter((r) => r.startsValid.test(digits));
      this.memo.set(key, fits);
    }
    return fits;
  }

  private pick(rules: CountryRule[], national: string): CountryRule {
    return rules.find((r) => r.leading?.test(national)) ?? rules[0];
  }

  /**
   * The most specific prefixes (national digits) that belong to `iso` alone within its shared
   * calling code, for its "Other" fallback zone: its leading digits when they are a short list,
   * else found by walking the digit tree while the prefix is still shared (at most `depth` digits).
   */
  ownPrefixes(callingCode: string, iso: string, depth: number): string[] {
    const rules = this.rules.get(callingCode);
    const rule = rules?.find((r) => r.iso === iso);
    if (!rules || !rule) return [];
    const listed = rule.leadingSource ? enumeratePattern(rule.leadingSource) : undefined;
    if (listed) return listed;
    const found: string[] = [];
    const walk = (digits: string): void => {
      for (let d = 0; d <= 9; d++) {
        const next = digits + d;
        if (!rule.startsValid.test(next)) continue; // cheap pre-test: most branches are not this country's
        const fits = this.candidates(callingCode, next, rules);
        if (!fits.includes(rule)) continue;
        if (fits.length === 1 || rule.leading?.test(next)) found.push(next);
        else if (next.length < depth) walk(next);
      }
    };
    walk('');
    return found;
  }
}
