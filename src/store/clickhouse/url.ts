/** Where a ClickHouse store lives, parsed from `clickhouse://[USER[:PASSWORD]@]HOST:PORT/DATABASE[?cluster=NAME&hosts=H:P,...]`. */
export interface ClickHouseLocation {
  /** HTTP endpoint of the server the store talks to, e.g. `http://127.0.0.1:8123`. */
  url: string;
  database: string;
  username: string;
  password: string;
  /** Cluster name from `remote_servers`; absent for a single server. */
  cluster?: string;
  /**
   * HTTP endpoints of every server of the cluster, for schema changes and small-table writes.
   * Defaults to the hosts of `system.clusters` on the HTTP port of `url`.
   */
  hosts?: string[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a `CALLSTATS_STORE` value of the ClickHouse kind (`clickhouse://…`, or `chdb:DIR` for the
 * in-process engine, whose tables live in its `default` database); throws with a reason when malformed.
 */
export function parseClickHouseUrl(text: string): ClickHouseLocation {
  if (text.startsWith('chdb:')) {
    const dir = text.slice('chdb:'.length).replace(/(.)\/+$/, '$1');
    if (!dir) throw new Error(`CALLSTATS_STORE: empty chdb directory in '${text}'`);
    return { url: `chdb:${dir}`, database: 'default', username: 'default', password: '' };
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new Error(`not a ClickHouse store URL: '${text}' (expected clickhouse://HOST:PORT/DATABASE[?cluster=NAME])`);
  }
  if (parsed.protocol !== 'clickhouse:' && parsed.protocol !== 'clickhouses:') {
    throw new Error(`ClickHouse store URL must start with clickhouse://, not '${parsed.protocol}//'`);
  }
  if (!parsed.hostname) throw new Error(`ClickHouse store URL has no host: '${text}'`);
  const secure = parsed.protocol === 'clickhouses:';
  const port = parsed.port || (secure ? '8443' : '8123');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'default';
  // The database and cluster names are pasted into DDL, so only plain identifiers are accepted.
  if (!IDENTIFIER.test(database)) throw new Error(`ClickHouse database name must be an identifier, not '${database}'`);
  const location: ClickHouseLocation = {
    url: `${secure ? 'https' : 'http'}://${parsed.hostname}:${port}`,
    database,
    username: decodeURIComponent(parsed.username) || 'default',
    password: decodeURIComponent(parsed.password),
  };
  for (const key of parsed.searchParams.keys()) {
    if (key !== 'cluster' && key !== 'hosts') throw new Error(`unknown ClickHouse store URL option '${key}'`);
  }
  const cluster = parsed.searchParams.get('cluster');
  if (cluster !== null) {
    if (!IDENTIFIER.test(cluster)) throw new Error(`ClickHouse cluster name must be an identifier, not '${cluster}'`);
    location.cluster = cluster;
  }
  const hosts = parsed.searchParams.get('hosts');
  if (hosts !== null) {
    if (cluster === null) throw new Error('ClickHouse store URL option hosts needs cluster');
    location.hosts = hosts.split(',').map((hostPort) => {
      if (!/^[A-Za-z0-9.\-\[\]:]+:\d+$/.test(hostPort)) throw new Error(`ClickHouse host must be HOST:PORT, not '${hostPort}'`);
      return `${secure ? 'https' : 'http'}://${hostPort}`;
    });
  }
  return location;
}
