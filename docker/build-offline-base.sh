#!/usr/bin/env bash
# Builds the local base image used when no container registry is reachable: a Debian root file
# system made by debootstrap from this host's own apt archive, loaded with `docker import`.
# It carries Python 3.11, nginx and PostgreSQL, so one image serves as BASE_IMAGE,
# NGINX_IMAGE and POSTGRES_IMAGE.
set -euo pipefail
tag=${1:-split-ready/debian-base:bookworm}
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
  --include=python3,python3-venv,ca-certificates,nginx,postgresql,postgresql-contrib \
  "$suite" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log"; exit 1; }
# Debian's packages start a default cluster and leave caches: images do not need them.
rm -rf "$work"/root/var/lib/postgresql/*/main "$work"/root/etc/postgresql/*/main \
       "$work"/root/var/lib/apt/lists/* "$work"/root/var/cache/apt/*.bin \
       "$work"/root/var/cache/apt/archives/*.deb "$work"/root/usr/share/doc/* \
       "$work"/root/usr/share/man/* "$work"/root/usr/share/locale/*
pg_bin=$(basename "$(dirname "$(ls -d "$work"/root/usr/lib/postgresql/*/bin)")")
tar -C "$work/root" --numeric-owner -c . |
  docker import \
    --change "ENV PATH=/usr/lib/postgresql/$pg_bin/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV LANG=C.UTF-8" \
    --change 'CMD ["/bin/bash"]' \
    - "$tag" >/dev/null
echo "$tag: built"
