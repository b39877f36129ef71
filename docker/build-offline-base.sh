#!/usr/bin/env bash
# Builds the local base images used when no container registry is reachable, one per role, so no
# image carries another role's packages:
#   python    split-ready/python-base:bookworm    Python 3.11 with venv      (BASE_IMAGE, the app)
#   nginx     split-ready/nginx-base:bookworm     nginx                      (NGINX_IMAGE, the gateway)
#   postgres  split-ready/postgres-base:bookworm  PostgreSQL 15, no JIT      (POSTGRES_IMAGE)
#   broker    split-ready/broker-base:bookworm    RabbitMQ and Erlang        (BROKER_BASE_IMAGE)
#
#   docker/build-offline-base.sh [ROLE ...]   build the missing ones (no ROLE: all four)
#   docker/build-offline-base.sh --tag ROLE   print a role's tag
#
# One debootstrap (variant minbase) from this host's own apt archive serves every missing role.
# Each role gets a copy of it, the security archive (and -updates) found in this host's apt
# configuration (docker/apt-mirror.sh: never a hard-coded mirror), its packages without
# recommends, every pending upgrade, then loses what no image needs (documentation, manual pages,
# translations, apt's lists and caches; dpkg keeps excluding them on later installs), and is
# loaded with `docker import`. A role whose tag exists is skipped: bases are built once per
# machine (delete a tag to rebuild it, e.g. for newer security updates). Each phase prints its
# time. MIRROR and SECURITY_MIRROR override the archives found; SUITE (bookworm) the release.
set -euo pipefail
suite=${SUITE:-bookworm}
roles_all=(python nginx postgres broker)

tag_of() { echo "split-ready/$1-base:$suite"; }

packages_of() {
  case $1 in
    python) echo "python3 python3-venv ca-certificates" ;;
    nginx) echo "nginx" ;;
    # postgresql-contrib is part of postgresql-15 (the metapackages follow bookworm's version).
    postgres) echo "postgresql postgresql-contrib" ;;
    broker) echo "rabbitmq-server" ;;
    *) return 1 ;;
  esac
}

if [ "${1:-}" = --tag ]; then
  packages_of "${2:-}" >/dev/null || { echo "unknown role: ${2:-} (${roles_all[*]})" >&2; exit 2; }
  tag_of "$2"
  exit 0
fi
roles=("$@")
[ ${#roles[@]} -gt 0 ] || roles=("${roles_all[@]}")
for role in "${roles[@]}"; do
  packages_of "$role" >/dev/null || { echo "unknown role: $role (${roles_all[*]})" >&2; exit 2; }
done

# Two builds at once (two `make images`) would both debootstrap: the second waits, then finds
# the tags the first made.
exec 9>"${TMPDIR:-/tmp}/split-ready-offline-base.lock"
flock -n 9 || { echo "another offline base build is running: waiting for it ..."; flock 9; }

missing=()
for role in "${roles[@]}"; do
  if docker image inspect "$(tag_of "$role")" >/dev/null 2>&1; then
    echo "$(tag_of "$role"): already built"
  else
    missing+=("$role")
  fi
done
[ ${#missing[@]} -gt 0 ] || exit 0

here=$(cd "$(dirname "$0")" && pwd)
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
mirror=${MIRROR:-$("$here/apt-mirror.sh")}
security=${SECURITY_MIRROR:-$("$here/apt-mirror.sh" security)} || {
  echo "no security archive in this host's apt configuration: set SECURITY_MIRROR" >&2
  exit 1
}
updates=$("$here/apt-mirror.sh" updates 2>/dev/null || true)

work=$(mktemp -d "${TMPDIR:-/var/tmp}/split-ready-base.XXXXXX")
cleanup() {
  for mounted in "$work"/*/proc; do
    if mountpoint -q "$mounted" 2>/dev/null; then umount "$mounted" || umount -l "$mounted"; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The chroot's processes see only what they need (a proxy, if this host uses one).
chroot_env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  if [ -n "${!name:-}" ]; then chroot_env+=("$name=${!name}"); fi
done
in_root() { "${chroot_env[@]}" chroot "$root" "$@"; }
apt_get() { in_root apt-get -q -y -o Acquire::Languages=none -o Dpkg::Options::=--force-confold "$@"; }

include=
case "$mirror $security" in *https://*) include=--include=ca-certificates ;; esac
echo "debootstrap $suite (minbase), shared by: ${missing[*]} ..."
started=$SECONDS
debootstrap --variant=minbase $include "$suite" "$work/minbase" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log"; exit 1; }
rm -f "$work"/minbase/var/cache/apt/archives/*.deb
echo "debootstrap: $((SECONDS - started)) s"

# What dpkg leaves out of every image, now and on every later install (the slim images' rules).
slim_rules='path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias'

# PostgreSQL's JIT compiler needs LLVM (libLLVM-14 and libz3: 130 MB, half the image). Without
# its provider library PostgreSQL plans and runs every query without JIT, silently (jit.c checks
# the file exists before loading it); nothing here runs queries costly enough to use it.
postgres_rules='path-exclude /usr/lib/*/libLLVM-*
path-exclude /usr/lib/*/libz3.so*
path-exclude /usr/lib/postgresql/*/lib/llvmjit*
path-exclude /usr/lib/postgresql/*/lib/bitcode/*'

build_role() {  # build_role ROLE
  local role=$1 tag packages started path pg_bin upgraded
  tag=$(tag_of "$role")
  read -ra packages <<<"$(packages_of "$role")"
  root=$work/$role
  started=$SECONDS
  cp -a "$work/minbase" "$root"
  {
    echo "$slim_rules"
    if [ "$role" = postgres ]; then echo "$postgres_rules"; fi
  } >"$root/etc/dpkg/dpkg.cfg.d/split-ready-slim"
  {
    echo "deb $mirror $suite main"
    if [ -n "$updates" ]; then echo "deb $updates $suite-updates main"; fi
    echo "deb $security $suite-security main"
  } >"$root/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"  # start no service
  chmod 755 "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  apt_get update >"$work/$role.log" 2>&1 || { tail -n 30 "$work/$role.log"; exit 1; }
  upgraded=$(apt_get -s upgrade 2>>"$work/$role.log" | grep -c '^Inst ' || true)
  {
    apt_get upgrade &&
      apt_get install --no-install-recommends "${packages[@]}" &&
      apt_get clean
  } >>"$work/$role.log" 2>&1 || { tail -n 30 "$work/$role.log"; exit 1; }
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"

  # What debootstrap installed before dpkg's rules existed, and what no image needs.
  find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -depth -type d -empty -delete
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/groff/* \
         "$root"/usr/share/lintian/* "$root"/usr/share/linda/* \
         "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
         "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
         "$root"/etc/resolv.conf "$root"/etc/hostname
  find "$root/var/log" -type f -delete
  # Debian's packages start a default cluster and make a snakeoil key: no image uses either
  # (the entrypoint runs initdb), and a private key must not be the same in every image.
  rm -rf "$root"/var/lib/postgresql/*/main "$root"/etc/postgresql/*/main \
         "$root"/etc/ssl/private/ssl-cert-snakeoil.key "$root"/etc/ssl/certs/ssl-cert-snakeoil.pem

  path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  for pg_bin in "$root"/usr/lib/postgresql/*/bin; do
    if [ -d "$pg_bin" ]; then path=${pg_bin#"$root"}:$path; fi
  done
  tar -C "$root" --numeric-owner -c . |
    docker import \
      --change "ENV PATH=$path" \
      --change "ENV LANG=C.UTF-8" \
      --change 'CMD ["/bin/bash"]' \
      - "$tag" >/dev/null
  echo "$tag: built in $((SECONDS - started)) s ($upgraded upgrades from $suite-security/-updates," \
       "$(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1 / 1e6}'))"
  rm -rf "$root"
}

for role in "${missing[@]}"; do
  build_role "$role"
done
echo "offline bases (${missing[*]}): $SECONDS s in all"
