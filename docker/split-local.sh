#!/usr/bin/env bash
# split-local: the split topology without containers. Every known service (config/services.py)
# runs under gunicorn on a loopback port (<NAME>_PORT, default 8001, 8002, ...), each with its
# own SQLite database, behind a host nginx rendered from the same template as the gateway image.
# Events go through a private RabbitMQ (Debian's rabbitmq-server, installed when missing; the
# system's own rabbitmq service is never used nor started): its node, port, epmd and data are
# split-local's own, under var/split-local/rabbitmq. A service with an outbox runs its events
# relay, one that consumes events its consumer. docker/split_local_plan.py derives the processes
# and their settings from the manifests. State and logs live in var/split-local/.
#   docker/split-local.sh up | down
#   docker/split-local.sh plan    (what `up` would start, where; starts nothing)
#   docker/split-local.sh stop-service <name>
#   docker/split-local.sh start-service <name> [VAR=value ...]  (fault trials; the ports are
#     those of the last `up`, the other processes are left alone)
#   names: broker and the processes of `plan` (users, projects, users-relay, projects-relay,
#     projects-consumer today)
set -euo pipefail
cd "$(dirname "$0")/.."
root=${SPLIT_LOCAL_DIR:-$PWD/var/split-local}  # another directory: a second split-local at once
python=${PYTHON_BIN:-.venv/bin/python}
gateway_port=${GATEWAY_PORT:-8080}
broker_port=${BROKER_PORT:-5673}  # not 5672: a system broker may be there
broker_user=events

stop() {  # stop <name>: TERM the process in <name>.pid and wait until it is gone
  local pid_file=$root/run/$1.pid
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    # gunicorn drains, then stops gracefully: up to its graceful timeout (20 s by default).
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pid_file"
}

wait_ready() {  # wait_ready <url>
  for _ in $(seq 1 150); do
    "$python" - "$1" <<'PY' && return 0
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=1)
except Exception:
    sys.exit(1)
PY
    sleep 0.2
  done
  echo "not ready: $1 (logs in $root/logs)" >&2
  return 1
}

start_service() {  # start_service <name> <port> [VAR=value ...]
  local name=$1 port=$2
  shift 2
  env VAR_DIR="$root" SERVICES="$name" HOST=127.0.0.1 PORT="$port" DJANGO_ACCESS_LOG=false "$@" \
    "$python" manage.py migrate_all --verbosity 0
  env VAR_DIR="$root" SERVICES="$name" HOST=127.0.0.1 PORT="$port" DJANGO_ACCESS_LOG=false \
    TRUST_FORWARDED_HEADERS=true "$@" \
    setsid "$python" -m gunicorn --config python:config.gunicorn config.wsgi:application \
    >>"$root/logs/$name.log" 2>&1 &
  echo $! > "$root/run/$name.pid"
}

# --- the broker -------------------------------------------------------------------------------
broker_dir=$root/rabbitmq

broker_vars() {  # the environment of this split-local's node (never the system's): an array
  broker_env=(HOME="$broker_dir"
    RABBITMQ_CONF_ENV_FILE=/dev/null
    RABBITMQ_NODENAME="$broker_node"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$broker_port"
    RABBITMQ_DIST_PORT="$broker_dist_port"
    ERL_EPMD_PORT="$broker_epmd_port"
    ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    RABBITMQ_MNESIA_BASE="$broker_dir/mnesia"
    RABBITMQ_LOG_BASE="$broker_dir/log"
    RABBITMQ_CONFIG_FILE="$broker_dir/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$broker_dir/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$broker_dir/enabled_plugins"
    RABBITMQ_PID_FILE="$broker_dir/rabbitmq.pid"
    ERL_CRASH_DUMP="$broker_dir/erl_crash.dump")
}

broker_url() {
  echo "amqp://$broker_user:$(cat "$broker_dir/password")@127.0.0.1:$broker_port/"
}

install_broker() {
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && return 0
  echo "installing rabbitmq-server from Debian (its own service is not started) ..."
  # policy-rc.d keeps the package's service from starting; one already there stays as it is.
  local policy=/usr/sbin/policy-rc.d made_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server; } \
    >/dev/null 2>&1 || { [ -z "$made_policy" ] || rm -f "$policy"; echo "could not install rabbitmq-server" >&2; return 1; }
  [ -z "$made_policy" ] || rm -f "$policy"
}

prepare_broker() {  # the node's files: config, user definitions, cookie, password (kept)
  mkdir -p "$broker_dir/mnesia" "$broker_dir/log"
  chmod 700 "$broker_dir"
  (
    umask 077
    [ -s "$broker_dir/password" ] || "$python" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$broker_dir/password"
    [ -s "$broker_dir/.erlang.cookie" ] || od -An -N 24 -tx1 /dev/urandom | tr -d ' \n' >"$broker_dir/.erlang.cookie"
    chmod 400 "$broker_dir/.erlang.cookie"
    "$python" - "$broker_user" "$(cat "$broker_dir/password")" >"$broker_dir/definitions.json" <<'PY'
import json, sys
sys.path.insert(0, "docker")
from compose_env import rabbitmq_password_hash
user, password = sys.argv[1:]
print(json.dumps({
    "vhosts": [{"name": "/"}],
    "users": [{"name": user, "password_hash": rabbitmq_password_hash(password),
               "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ""}],
    "permissions": [{"user": user, "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}],
}))
PY
    echo '[].' >"$broker_dir/enabled_plugins"  # no management plugin
    cat >"$broker_dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$broker_port
loopback_users.guest = true
load_definitions = $broker_dir/definitions.json
heartbeat = 30
log.console = true
log.console.level = info
log.console.use_colors = off
log.file = false
CONF
  )
}

wait_broker() {
  for _ in $(seq 1 300); do
    "$python" - "$(broker_url)" <<'PY' && return 0
import sys
from kombu import Connection
try:
    Connection(sys.argv[1], connect_timeout=1).connect()
except Exception:
    sys.exit(1)
PY
    sleep 0.2
  done
  echo "broker not ready on 127.0.0.1:$broker_port (logs in $root/logs/broker.log)" >&2
  return 1
}

start_broker() {
  prepare_broker
  # RUNNING_UNDER_SYSTEMD: the script execs the Erlang VM, so the pid file names the node
  # itself, and the node stops gracefully on SIGTERM.
  broker_vars
  env "${broker_env[@]}" RUNNING_UNDER_SYSTEMD=true setsid /usr/lib/rabbitmq/bin/rabbitmq-server \
    >>"$root/logs/broker.log" 2>&1 &
  echo $! > "$root/run/broker.pid"
  wait_broker
}

stop_broker() {
  # TERM makes the node stop gracefully; then its private epmd goes too.
  stop broker
  if [ -n "${broker_epmd_port:-}" ]; then
    ERL_EPMD_PORT="$broker_epmd_port" epmd -kill >/dev/null 2>&1 || true
  fi
}

start_events_process() {  # start_events_process <name> <service> <command> [VAR=value ...]
  local name=$1 service=$2 command=$3
  shift 3
  env VAR_DIR="$root" SERVICES="$service" "$@" \
    setsid "$python" manage.py "$command" >>"$root/logs/$name.log" 2>&1 &
  echo $! > "$root/run/$name.pid"
}

# --- the plan: processes and settings from the manifests (docker/split_local_plan.py) --------
load_plan() {
  processes=() setting_lines=()
  declare -gA service_of=() command_of=() port_of=()
  local kind name rest service command port
  while read -r kind name rest; do
    case $kind in
      process)
        read -r service command port <<<"$rest"
        processes+=("$name") service_of[$name]=$service command_of[$name]=$command
        port_of[$name]=$port ;;
      env) setting_lines+=("$name $rest") ;;
    esac
  done < <("$python" docker/split_local_plan.py "$root")
  [ "${#processes[@]}" -gt 0 ] || { echo "split-local: no process planned" >&2; return 1; }
}

service_settings() {  # service_settings <service>: its settings into the array `settings`
  settings=()
  local line
  for line in "${setting_lines[@]}"; do
    [ "${line%% *}" = "$1" ] && settings+=("${line#* }")
  done
  return 0
}

web_processes() {
  local name
  for name in "${processes[@]}"; do
    [ "${command_of[$name]}" = web ] && echo "$name"
  done
  return 0
}

print_plan() {
  load_plan
  printf '%-20s %-16s %s\n' broker rabbitmq-server "127.0.0.1:${BROKER_PORT:-5673}"
  local name setting
  for name in "${processes[@]}"; do
    if [ "${command_of[$name]}" = web ]; then
      printf '%-20s %-16s %s\n' "$name" gunicorn "127.0.0.1:${port_of[$name]}"
      service_settings "${service_of[$name]}"
      for setting in "${settings[@]}"; do printf '%-20s %s\n' "" "$setting"; done
    else
      printf '%-20s %-16s %s\n' "$name" "${command_of[$name]}" "${service_of[$name]}"
    fi
  done
  local webs
  webs=$(web_processes)
  printf '%-20s %-16s %s\n' gateway nginx "127.0.0.1:$gateway_port -> ${webs//$'\n'/ }"
}

start_named() {  # start_named <name> [VAR=value ...]: with the settings `up` gives it
  local name=$1
  shift
  if [ "$name" = broker ]; then
    start_broker
    return
  fi
  local service=${service_of[$name]} command=${command_of[$name]}
  local events=(EVENTS_TRANSPORT=amqp EVENTS_BROKER_URL="$(broker_url)")
  service_settings "$service"
  if [ "$command" = web ]; then
    start_service "$service" "${port_of[$name]}" "${settings[@]}" "${events[@]}" "$@"
  else
    start_events_process "$name" "$service" "$command" "${settings[@]}" "${events[@]}" "$@"
  fi
}

up() {
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "installing nginx from Debian ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  fi
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  install_broker
  down quiet
  load_plan
  mkdir -p "$root/run" "$root/logs" "$root/nginx" "$root/keys"
  # As make migrate: folders, SQLite files and the dev key pair (settings create nothing). The
  # service that issues tokens signs with the private key, the others only see the public one.
  env -u SERVICES VAR_DIR="$root" JWT_DEV_KEYS_DIR="$root/keys" "$python" manage.py prepare_local_state \
    >/dev/null
  # The broker's node: its name follows the state directory; its Erlang ports are free ones.
  broker_node=split-local-$(printf %s "$root" | cksum | cut -d' ' -f1)@localhost
  read -r broker_dist_port broker_epmd_port < <("$python" -c '
import socket
probes = [socket.socket() for _ in range(2)]
for probe in probes:
    probe.bind(("127.0.0.1", 0))
print(*(probe.getsockname()[1] for probe in probes))')
  local name webs upstreams=()
  webs=$(web_processes)
  {
    for name in $webs; do printf '%s_port=%s\n' "$name" "${port_of[$name]}"; done
    printf '%s=%s\n' broker_port "$broker_port" broker_node "$broker_node" \
      broker_dist_port "$broker_dist_port" broker_epmd_port "$broker_epmd_port"
  } >"$root/run/ports"
  start_named broker
  for name in $webs; do start_named "$name"; done
  for name in $webs; do
    wait_ready "http://127.0.0.1:${port_of[$name]}/readyz"
    upstreams+=(--upstream "$name=127.0.0.1:${port_of[$name]}")
  done
  # After their service: its start migrated the tables they read.
  for name in "${processes[@]}"; do
    [ "${command_of[$name]}" = web ] || start_named "$name"
  done
  "$python" -m gateway.render "${upstreams[@]}" --listen "127.0.0.1:$gateway_port" \
    --runtime-dir "$root/nginx" --output "$root/nginx/nginx.conf" >/dev/null
  setsid "$nginx_bin" -e stderr -c "$root/nginx/nginx.conf" -g 'daemon off;' \
    >>"$root/logs/gateway.log" 2>&1 &
  echo $! > "$root/run/gateway.pid"
  wait_ready "http://127.0.0.1:$gateway_port/healthz"
  echo "split-local is up: http://127.0.0.1:$gateway_port/  (broker: 127.0.0.1:$broker_port," \
    "logs: $root/logs, stop: make split-local-down)"
}

down() {
  # The epmd of the broker that `up` started (only that: the ports of this call stay).
  broker_epmd_port=$(sed -n 's/^broker_epmd_port=//p' "$root/run/ports" 2>/dev/null || true)
  stop gateway
  load_plan
  local index pid_file
  for ((index = ${#processes[@]} - 1; index >= 0; index--)); do stop "${processes[index]}"; done
  for pid_file in "$root"/run/*.pid; do  # any other left from an `up` with other manifests
    [ -e "$pid_file" ] || continue
    pid_file=${pid_file##*/}
    [ "$pid_file" = broker.pid ] || stop "${pid_file%.pid}"
  done
  stop_broker
  [ "${1:-}" = quiet ] || echo "split-local is down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  plan) print_plan ;;
  stop-service | start-service)
    [ -f "$root/run/ports" ] || { echo "split-local is not up" >&2; exit 1; }
    . "$root/run/ports"
    # The ports of the last `up`, for the plan: users_port=8001 -> USERS_PORT=8001.
    while IFS='=' read -r key value; do
      case $key in *_port) export "${key^^}=$value" ;; esac
    done <"$root/run/ports"
    load_plan
    if [ "${2:-}" != broker ] && [ -z "${command_of[${2:-none}]:-}" ]; then
      echo "usage: $0 $1 broker|$(IFS='|'; echo "${processes[*]}")" >&2
      exit 2
    fi
    if [ "$2" = broker ]; then stop_broker; else stop "$2"; fi
    if [ "$1" = start-service ]; then
      name=$2
      shift 2
      start_named "$name" "$@"
      if [ "$name" != broker ] && [ "${command_of[$name]}" = web ]; then
        wait_ready "http://127.0.0.1:${port_of[$name]}/readyz"
      fi
    fi
    ;;
  *) echo "usage: $0 up|down|plan|stop-service <name>|start-service <name> [VAR=value ...]" >&2
     exit 2 ;;
esac
