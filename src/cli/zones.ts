import { readFileSync } from 'node:fs';
import { ZoneService } from '../zones/zone-service.js';
import type { Store } from '../store/store.js';
import { parseRateDeck, zonesToCsv } from '../zones/rate-deck.js';
import { makeOutput, n } from './output.js';
import { usage } from './output.js';

/** `callstats zones import FILE [--extend] | export | rezone | rebuild`. */
export async function runZones(
  store: Store,
  sub: string,
  args: { file?: string; extend?: boolean; defaultCountry?: string; json: boolean },
): Promise<number> {
  const out = makeOutput(args.json);
  const zones = await ZoneService.open(store, args.defaultCountry);
  switch (sub) {
    case 'export':
      process.stdout.write(zonesToCsv([...zones.all()]));
      return 0;
    case 'import': {
      if (!args.file) return usage('zones import needs a FILE');
      const deck = parseRateDeck(readFileSync(args.file === '-' ? 0 : args.file, 'utf8'));
      const r = await zones.importDeck(store, deck.zones, args.extend ? 'extend' : 'replace');
      out.result(
        { ...r, read: deck.zones.length, errors: deck.errors },
        [
          `${n(deck.zones.length)} zones read, ${n(r.added)} new ids, ${n(r.deactivated)} retired`,
          ...deck.errors.slice(0, 20).map((e) => `  line ${e.line}: ${e.reason}`),
          'run `callstats zones rezone` to re-tag stored calls',
        ].join('\n'),
      );
      return deck.errors.length > 0 ? 1 : 0;
    }
    case 'rebuild': {
      const r = await zones.rebuildDefault(store);
      out.result(r, `default zones rebuilt: ${n(r.added)} new ids, ${n(r.deactivated)} retired; existing ids unchanged`);
      return 0;
    }
    case 'rezone': {
      const changed = await zones.rezone(store);
      out.result({ changed }, `${n(changed)} zone tags changed`);
      return 0;
    }
    default:
      return usage(`unknown zones command '${sub}'`);
  }
}
