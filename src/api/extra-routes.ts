import type { FastifyInstance } from 'fastify';
import statisticsRoutes from './routes/statistics.js';
import openapiRoutes from './routes/openapi.js';

/** Routes added by later capabilities (statistics, records, dashboard, OpenAPI). */
export async function registerExtraRoutes(app: FastifyInstance): Promise<void> {
  await app.register(statisticsRoutes);
  await app.register(openapiRoutes);
}
