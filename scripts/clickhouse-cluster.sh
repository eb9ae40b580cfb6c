#!/usr/bin/env bash
# A two-shard ClickHouse cluster on loopback for `reidgate run --engine clickhouse` (README, "Engines").
#
#   scripts/clickhouse-cluster.sh start|stop|status
#
# start: two clickhouse-server processes on 127.0.0.1 (shard 1: HTTP 18123, TCP 19001, interserver 19011;
# shard 2: HTTP 18124, TCP 19002, interserver 19012), each with its own data folder under
# $REIDGATE_CLICKHOUSE_DIR (default ${TMPDIR:-/tmp}/reidgate-clickhouse), a `remote_servers` cluster named
# `reidgate` with one replica per shard, and one user ($REIDGATE_CLICKHOUSE_USER, default `reidgate`) with a
# password ($REIDGATE_CLICKHOUSE_PASSWORD, default `reidgate-secret`); the default profile's max_memory_usage is
# $REIDGATE_CLICKHOUSE_MAX_MEMORY bytes (default 2147483648) and a query may lower it. Waits until both
# servers answer. Idempotent: a running cluster is left as it is.
# stop: stops both servers (by the pids this script recorded) and removes the data folder.
# status: one line per shard, exit 0 when both answer.
# Ports: REIDGATE_CLICKHOUSE_HTTP_PORTS="18123 18124", REIDGATE_CLICKHOUSE_TCP_PORTS="19001 19002",
# REIDGATE_CLICKHOUSE_INTERSERVER_PORTS="19011 19012".
set -euo pipefail

DIR="${REIDGATE_CLICKHOUSE_DIR:-${TMPDIR:-/tmp}/reidgate-clickhouse}"
read -r -a HTTP <<<"${REIDGATE_CLICKHOUSE_HTTP_PORTS:-18123 18124}"
read -r -a TCP <<<"${REIDGATE_CLICKHOUSE_TCP_PORTS:-19001 19002}"
read -r -a INTER <<<"${REIDGATE_CLICKHOUSE_INTERSERVER_PORTS:-19011 19012}"
CH_USER="${REIDGATE_CLICKHOUSE_USER:-reidgate}"
CH_PASSWORD="${REIDGATE_CLICKHOUSE_PASSWORD:-reidgate-secret}"
MAX_MEMORY="${REIDGATE_CLICKHOUSE_MAX_MEMORY:-2147483648}"
SERVER="${CLICKHOUSE_SERVER:-$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)}"

say() { echo "clickhouse-cluster: $*"; }

# Whether shard $1 (0-based) answers a query with the cluster's credentials.
answers() {
  curl -sf --max-time 2 -u "$CH_USER:$CH_PASSWORD" "http://127.0.0.1:${HTTP[$1]}/?query=SELECT%201" >/dev/null 2>&1
}

pid_of() { cat "$DIR/shard$(($1 + 1))/pid" 2>/dev/null || true; }

running() {
  local pid
  pid="$(pid_of "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

xml_escape() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

write_config() {
  local i=$1 d="$DIR/shard$(($1 + 1))"
  local u p
  u="$(xml_escape "$CH_USER")"
  p="$(xml_escape "$CH_PASSWORD")"
  mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/log"
  cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/error.log</errorlog><size>10M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${HTTP[$i]}</http_port>
  <tcp_port>${TCP[$i]}</tcp_port>
  <interserver_http_port>${INTER[$i]}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_concurrent_queries>50</max_concurrent_queries>
  <keep_alive_timeout>30</keep_alive_timeout>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <remote_servers>
    <reidgate>
      <shard><replica><host>127.0.0.1</host><port>${TCP[0]}</port><user>$u</user><password>$p</password></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>${TCP[1]}</port><user>$u</user><password>$p</password></replica></shard>
    </reidgate>
  </remote_servers>
</yandex>
XML
  cat >"$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>$MAX_MEMORY</max_memory_usage>
      <load_balancing>in_order</load_balancing>
    </default>
  </profiles>
  <users>
    <$u>
      <password>$p</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </$u>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

start() {
  if [ ! -x "$SERVER" ]; then
    say "clickhouse-server not found (apt-get install clickhouse-server clickhouse-client)"
    exit 1
  fi
  for i in 0 1; do
    if running "$i"; then
      say "shard $((i + 1)) already running (pid $(pid_of "$i"), http ${HTTP[$i]})"
      continue
    fi
    write_config "$i"
    local d="$DIR/shard$((i + 1))"
    (cd "$d" && exec "$SERVER" --config-file="$d/config.xml" >"$d/log/stdout.log" 2>&1) &
    echo $! >"$d/pid"
    say "shard $((i + 1)) started (pid $!, http ${HTTP[$i]}, tcp ${TCP[$i]}, data $d)"
  done
  for i in 0 1; do
    local n=0
    until answers "$i"; do
      n=$((n + 1))
      if [ $n -gt 120 ] || ! running "$i"; then
        say "shard $((i + 1)) did not answer on http ${HTTP[$i]} (see $DIR/shard$((i + 1))/log)"
        exit 1
      fi
      sleep 0.5
    done
  done
  say "cluster reidgate ready: http://127.0.0.1:${HTTP[0]} and http://127.0.0.1:${HTTP[1]} (user $CH_USER)"
}

stop() {
  for i in 0 1; do
    local pid
    pid="$(pid_of "$i")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
      say "shard $((i + 1)) stopped (pid $pid)"
    else
      say "shard $((i + 1)) not running"
    fi
  done
  if [ -d "$DIR" ]; then
    rm -rf "$DIR"
    say "removed $DIR"
  fi
}

status() {
  local ok=0
  for i in 0 1; do
    if answers "$i"; then
      say "shard $((i + 1)) answers on http ${HTTP[$i]} (pid $(pid_of "$i"))"
    else
      say "shard $((i + 1)) does not answer on http ${HTTP[$i]}"
      ok=1
    fi
  done
  return $ok
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
