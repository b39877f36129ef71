#!/usr/bin/env bash
# Builds the local base image used when no container registry is reachable: a Debian root file
# system made by debootstrap from this host's own apt archive, loaded with `docker import`.
# By default it carries Python 3.11, nginx and PostgreSQL, so one image serves as BASE_IMAGE,
# NGINX_IMAGE and POSTGRES_IMAGE. A second argument names other packages for another base:
#   docker/build-offline-base.sh split-ready/broker-base:bookworm rabbitmq-server
# (the broker's own base, so RabbitMQ and Erlang do not grow the app image).
set -euo pipefail
tag=${1:-split-ready/debian-base:bookworm}
include=${2:-python3,python3-venv,ca-certificates,nginx,postgresql,postgresql-contrib}
suite=${SUITE:-bookworm}
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag: already built"
  exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
mirror=$("$here/apt-mirror.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "debootstrap $suite from $mirror (a few minutes) ..."
debootstrap --variant=minbase \
  --include="$include" \
  "$suite" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log"; exit 1; }
# Debian's packages start a default cluster and leave caches: images do not need them.
rm -rf "$work"/root/var/lib/postgresql/*/main "$work"/root/etc/postgresql/*/main \
       "$work"/root/var/lib/apt/lists/* "$work"/root/var/cache/apt/*.bin \
       "$work"/root/var/cache/apt/archives/*.deb "$work"/root/usr/share/doc/* \
       "$work"/root/usr/share/man/* "$work"/root/usr/share/locale/*
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for pg_bin in "$work"/root/usr/lib/postgresql/*/bin; do
  if [ -d "$pg_bin" ]; then path=${pg_bin#"$work/root"}:$path; fi
done
tar -C "$work/root" --numeric-owner -c . |
  docker import \
    --change "ENV PATH=$path" \
    --change "ENV LANG=C.UTF-8" \
    --change 'CMD ["/bin/bash"]' \
    - "$tag" >/dev/null
echo "$tag: built"
