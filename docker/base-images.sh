#!/usr/bin/env bash
# Prints BASE_IMAGE, NGINX_IMAGE, POSTGRES_IMAGE and BROKER_BASE_IMAGE for `make images`: the
# public images when they are here or can be pulled, else the local Debian base of that role
# (python, nginx, postgres, broker), built by docker/build-offline-base.sh if missing (once per
# machine: the tags are the cache).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
offline=()
pick() {  # pick NAME IMAGE ROLE
  local name=$1 image=$2 fallback
  if docker image inspect "$image" >/dev/null 2>&1 || docker pull -q "$image" >/dev/null 2>&1; then
    echo "$name=$image"
  else
    fallback=$("$here/build-offline-base.sh" --tag "$3")
    echo "no registry reachable: $name=$fallback" >&2
    offline+=("$3")
    echo "$name=$fallback"
  fi
}
# Not in a subshell: pick records the roles that need a local base.
choices=$(mktemp)
trap 'rm -f "$choices"' EXIT
{
  pick BASE_IMAGE "${BASE_IMAGE:-python:3.11-slim-bookworm}" python
  pick NGINX_IMAGE "${NGINX_IMAGE:-nginx:1.27-bookworm}" nginx
  pick POSTGRES_IMAGE "${POSTGRES_IMAGE:-postgres:16-bookworm}" postgres
  pick BROKER_BASE_IMAGE "${BROKER_BASE_IMAGE:-debian:bookworm-slim}" broker
} >"$choices"
if [ ${#offline[@]} -gt 0 ]; then
  "$here/build-offline-base.sh" "${offline[@]}" >&2  # one debootstrap for every missing base
fi
cat "$choices"
