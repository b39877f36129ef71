#!/usr/bin/env bash
# Prints BASE_IMAGE, NGINX_IMAGE, POSTGRES_IMAGE and BROKER_BASE_IMAGE for `make images`: the
# public images when they are here or can be pulled, else local Debian bases built by
# debootstrap if missing (one with Python, nginx and PostgreSQL; the broker's own, with RabbitMQ).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
offline=${OFFLINE_BASE_IMAGE:-split-ready/debian-base:bookworm}
offline_broker=${OFFLINE_BROKER_BASE_IMAGE:-split-ready/broker-base:bookworm}
pick() {  # pick NAME IMAGE [OFFLINE]
  local name=$1 image=$2 fallback=${3:-$offline}
  if docker image inspect "$image" >/dev/null 2>&1 || docker pull -q "$image" >/dev/null 2>&1; then
    echo "$name=$image"
  else
    echo "$name=$fallback"
  fi
}
choices=$(
  pick BASE_IMAGE "${BASE_IMAGE:-python:3.11-slim-bookworm}"
  pick NGINX_IMAGE "${NGINX_IMAGE:-nginx:1.27-bookworm}"
  pick POSTGRES_IMAGE "${POSTGRES_IMAGE:-postgres:16-bookworm}"
  pick BROKER_BASE_IMAGE "${BROKER_BASE_IMAGE:-debian:bookworm-slim}" "$offline_broker"
)
if grep -q "=$offline\$" <<<"$choices"; then
  echo "no registry reachable: using $offline" >&2
  "$here/build-offline-base.sh" "$offline" >&2
fi
if grep -q "=$offline_broker\$" <<<"$choices"; then
  echo "no registry reachable: using $offline_broker" >&2
  "$here/build-offline-base.sh" "$offline_broker" rabbitmq-server >&2
fi
echo "$choices"
