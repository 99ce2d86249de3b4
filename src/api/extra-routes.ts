import type { FastifyInstance } from 'fastify';

/** Routes added by later capabilities (statistics, records, dashboard, OpenAPI). */
export async function registerExtraRoutes(_app: FastifyInstance): Promise<void> {}
