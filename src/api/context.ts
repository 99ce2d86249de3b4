import type { Config } from '../core/config.js';
import type { AnswerCache } from '../report/answer-cache.js';
import type { Store } from '../store/store.js';
import type { ZoneService } from '../zones/zone-service.js';

/** The shared services every route reads: decorated onto the Fastify instance as `ctx`. */
export interface AppContext {
  store: Store;
  zones: ZoneService;
  config: Config;
  /** When set, `/_local/rpc` accepts this token: the CLI's channel to a running server. */
  controlToken?: string;
  /**
   * Statistics answers by query (report/answer-cache.ts). Only safe when every write to `store`
   * reports to it (store/write-scope-store.ts): `serve` wires both; without it nothing is cached.
   */
  answerCache?: AnswerCache;
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
