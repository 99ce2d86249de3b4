import type { Config } from '../core/config.js';
import type { Store } from '../store/store.js';
import type { ZoneService } from '../zones/zone-service.js';

/** The shared services every route reads: decorated onto the Fastify instance as `ctx`. */
export interface AppContext {
  store: Store;
  zones: ZoneService;
  config: Config;
  /** When set, `/_local/rpc` accepts this token: the CLI's channel to a running server. */
  controlToken?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
  interface FastifyRequest {
    /** The account the authenticated key acts on (from the URL). */
    account?: string;
  }
}
