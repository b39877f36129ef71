#!/usr/bin/env bash
# Prints BASE_IMAGE, NGINX_IMAGE and POSTGRES_IMAGE for `make images`: the public images when
# they are here or can be pulled, else the local Debian base (built by debootstrap if missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
offline=${OFFLINE_BASE_IMAGE:-split-ready/debian-base:bookworm}
pick() {
  local name=$1 image=$2
  if docker image inspect "$image" >/dev/null 2>&1 || docker pull -q "$image" >/dev/null 2>&1; then
    echo "$name=$image"
  else
    echo "$name=$offline"
  fi
}
choices=$(
  pick BASE_IMAGE "${BASE_IMAGE:-python:3.11-slim-bookworm}"
  pick NGINX_IMAGE "${NGINX_IMAGE:-nginx:1.27-bookworm}"
  pick POSTGRES_IMAGE "${POSTGRES_IMAGE:-postgres:16-bookworm}"
)
if grep -q "=$offline\$" <<<"$choices"; then
  echo "no registry reachable: using $offline" >&2
  "$here/build-offline-base.sh" "$offline" >&2
fi
echo "$choices"
