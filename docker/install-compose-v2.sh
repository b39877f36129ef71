#!/usr/bin/env bash
# Makes `docker compose` (the v2 CLI plugin) available when the machine only has Compose v1.
# Debian 13's docker-compose package is the v2 plugin, a static binary that also runs on
# Debian 12: download it with a throwaway apt state that reuses this host's own archive.
set -euo pipefail
if docker compose version >/dev/null 2>&1; then
  docker compose version
  exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
mirror=$("$here/apt-mirror.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
echo "deb $mirror trixie main" > "$work/sources.list"
apt_options=(
  -o "Dir::Etc::SourceList=$work/sources.list"
  -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache::Archives=$work/archives"
  -o "APT::Get::List-Cleanup=0"
  -o "Debug::NoLocking=1"
)
apt-get "${apt_options[@]}" -qq update
(cd "$work" && apt-get "${apt_options[@]}" -qq download docker-compose)
dpkg -x "$work"/docker-compose_*.deb "$work/root"
plugin_dir="${DOCKER_CONFIG:-${HOME:-/root}/.docker}/cli-plugins"
mkdir -p "$plugin_dir"
install -m 0755 "$work/root/usr/libexec/docker/cli-plugins/docker-compose" "$plugin_dir/docker-compose"
docker compose version
