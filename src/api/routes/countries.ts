import type { FastifyInstance } from 'fastify';
import { success } from '../envelope.js';
import { badRequest } from '../../core/errors.js';
import { countriesSchema, docOnly, regionsSchema } from '../schemas.js';

const BASE = '/v2/accounts/:account/call_statistics/countries';

/** SPEC 2.2–2.3: the countries that have zones, and the regions (with zone ids) of some countries. */
export default async function countriesRoutes(app: FastifyInstance): Promise<void> {
  app.get(BASE, docOnly(countriesSchema), async (request) => success(request, { countries: app.ctx.zones.countries() }));

  const regions = async (request: import('fastify').FastifyRequest) => {
    const raw = (request.params as { list: string }).list;
    // :TRICKY: the router has already percent-decoded the parameter once; '&' separates names
    // and a literal '&' inside a name must arrive as %2526 (double-encoded), as in Kazoo.
    const names = raw
      .split('&')
      .map((s) => safeDecode(s).trim())
      .filter((s) => s.length > 0);
    if (names.length === 0) throw badRequest('ERR_UNKNOWN_COUNTRY', 'no country named', { countries: 'empty list' });
    return success(request, { countries: app.ctx.zones.regions(names) });
  };
  app.get(`${BASE}/:list`, docOnly(regionsSchema), regions);
  app.post(`${BASE}/:list`, docOnly(regionsSchema), regions);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
