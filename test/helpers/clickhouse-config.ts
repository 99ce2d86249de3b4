/** The config files of the test servers (clickhouse-server.ts). */

export interface Ports {
  http: number;
  tcp: number;
  interserver: number;
}

/** Where one server sits in a test cluster. */
export interface ClusterLayout {
  name: string;
  /** TCP ports of each shard's replicas, in shard order. */
  shards: number[][];
  /** 1-based shard and replica of this server. */
  shard: number;
  replica: number;
  /** ZooKeeper's port, for a replicated cluster. */
  zookeeperPort?: number;
}

// `<yandex>` is the root 18.16 requires; current releases accept it as an alias of `<clickhouse>`.
// Elements a release does not know (max_server_memory_usage is 20.x+) are ignored by older ones.
export function serverConfig(dir: string, ports: Ports, cluster: ClusterLayout | undefined): string {
  const replicated = cluster !== undefined && cluster.shards.some((replicas) => replicas.length > 1);
  const remote = cluster
    ? `<remote_servers><${cluster.name}>${cluster.shards
        .map(
          (replicas) =>
            `<shard>${replicated ? '<internal_replication>true</internal_replication>' : ''}${replicas
              .map((port) => `<replica><host>127.0.0.1</host><port>${port}</port></replica>`)
              .join('')}</shard>`,
        )
        .join('')}</${cluster.name}></remote_servers>
  <macros><shard>${cluster.shard}</shard><replica>r${cluster.shard}-${cluster.replica}</replica></macros>`
    : '';
  // ZooKeeper: replication and the distributed DDL queue (ON CLUSTER). A short session timeout lets the
  // others notice a stopped replica within seconds.
  const zookeeper = cluster?.zookeeperPort
    ? `<zookeeper><node><host>127.0.0.1</host><port>${cluster.zookeeperPort}</port></node><session_timeout_ms>6000</session_timeout_ms></zookeeper>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>`
    : '';
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/server.log</log>
    <errorlog>${dir}/server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_server_memory_usage>2000000000</max_server_memory_usage>
  <max_concurrent_queries>50</max_concurrent_queries>
  <keep_alive_timeout>10</keep_alive_timeout>
  <mlock_executable>false</mlock_executable>
  ${remote}
  ${zookeeper}
</yandex>
`;
}

export const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>1000000000</max_memory_usage>
      <max_threads>2</max_threads>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;
