#!/usr/bin/env bash
# split-local: the split topology without containers. users and projects run under gunicorn on
# loopback ports, each with its own SQLite database, behind a host nginx rendered from the same
# template as the gateway image. State and logs live in var/split-local/.
#   docker/split-local.sh up | down
#   docker/split-local.sh stop-service <users|projects>
#   docker/split-local.sh start-service <users|projects> [VAR=value ...]  (fault trials; the
#     ports are those of the last `up`, the other processes are left alone)
set -euo pipefail
cd "$(dirname "$0")/.."
root=${SPLIT_LOCAL_DIR:-$PWD/var/split-local}  # another directory: a second split-local at once
python=${PYTHON_BIN:-.venv/bin/python}
users_port=${USERS_PORT:-8001}
projects_port=${PROJECTS_PORT:-8002}
gateway_port=${GATEWAY_PORT:-8080}

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

start_named() {  # start_named <users|projects> [VAR=value ...]: with the settings `up` gives it
  local name=$1
  shift
  case $name in
    users)
      start_service users "$users_port" JWT_PRIVATE_KEY_FILE="$root/keys/jwt_private.pem" "$@" ;;
    projects)
      start_service projects "$projects_port" JWT_PUBLIC_KEY_FILE="$root/keys/jwt_public.pem" \
        USERS_SERVICE_URL="http://127.0.0.1:$users_port" "$@" ;;
  esac
}

up() {
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "installing nginx from Debian ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  fi
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  down quiet
  mkdir -p "$root/run" "$root/logs" "$root/nginx" "$root/keys"
  # The dev key pair: users signs with the private key, projects only ever sees the public one.
  "$python" -c "from pathlib import Path; from shared.core.authentication.keys import ensure_dev_keypair; ensure_dev_keypair(Path('$root/keys'))"
  printf 'users_port=%s\nprojects_port=%s\n' "$users_port" "$projects_port" >"$root/run/ports"
  start_named users
  start_named projects
  wait_ready "http://127.0.0.1:$users_port/readyz"
  wait_ready "http://127.0.0.1:$projects_port/readyz"
  "$python" -m gateway.render --users "127.0.0.1:$users_port" \
    --projects "127.0.0.1:$projects_port" --listen "127.0.0.1:$gateway_port" \
    --runtime-dir "$root/nginx" --output "$root/nginx/nginx.conf" >/dev/null
  setsid "$nginx_bin" -e stderr -c "$root/nginx/nginx.conf" -g 'daemon off;' \
    >>"$root/logs/gateway.log" 2>&1 &
  echo $! > "$root/run/gateway.pid"
  wait_ready "http://127.0.0.1:$gateway_port/healthz"
  echo "split-local is up: http://127.0.0.1:$gateway_port/  (logs: $root/logs, stop: make split-local-down)"
}

down() {
  stop gateway
  stop projects
  stop users
  [ "${1:-}" = quiet ] || echo "split-local is down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  stop-service | start-service)
    [ -f "$root/run/ports" ] || { echo "split-local is not up" >&2; exit 1; }
    . "$root/run/ports"
    case "$1:${2:-}" in
      *:users | *:projects) ;;
      *) echo "usage: $0 $1 users|projects" >&2; exit 2 ;;
    esac
    stop "$2"
    if [ "$1" = start-service ]; then
      name=$2
      shift 2
      start_named "$name" "$@"
      port_var=${name}_port
      wait_ready "http://127.0.0.1:${!port_var}/readyz"
    fi
    ;;
  *) echo "usage: $0 up|down|stop-service <name>|start-service <name> [VAR=value ...]" >&2
     exit 2 ;;
esac
