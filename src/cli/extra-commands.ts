import type { Config } from '../core/config.js';

/** A CLI command added by a later capability (query, migrate). */
export type ExtraCommand = (opts: { config: Config; values: Record<string, unknown>; args: string[]; json: boolean }) => Promise<number>;

export const extraCommands: Record<string, ExtraCommand> = {};
