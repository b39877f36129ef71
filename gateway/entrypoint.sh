#!/bin/sh
# Fills in the only values that differ between topologies, then runs nginx in the foreground.
# Each @<NAME>_UPSTREAM@ of the rendered config (one per known service) takes the host:port in
# the variable <NAME>_UPSTREAM, which is required.
set -eu
config=/etc/split-ready/nginx.conf
runtime=${GATEWAY_RUNTIME_DIR:-/tmp/gateway}
mkdir -p "$runtime"
script="s|@LISTEN@|${GATEWAY_LISTEN:-8080}|g; s|@RUNTIME_DIR@|$runtime|g"
for name in $(grep -o '@[A-Z0-9_]*_UPSTREAM@' "$config" | tr -d @ | sort -u); do
  address=$(printenv "$name" || true)
  [ -n "$address" ] || { echo "$name: required, host:port of that service" >&2; exit 1; }
  script="$script; s|@$name@|$address|g"
done
sed -e "$script" "$config" > "$runtime/nginx.conf"
exec nginx -e stderr -c "$runtime/nginx.conf" -g 'daemon off;'
