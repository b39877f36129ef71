#!/bin/sh
# Fills in the only values that differ between topologies, then runs nginx in the foreground.
# Each @<NAME>_UPSTREAM@ of the rendered config (one per known service) takes the host:port in
# the variable <NAME>_UPSTREAM, which is required. GATEWAY_CONFIG: the rendered config read (the
# image's by default; tests/test_gateway_routes.py runs this script on the committed one).
set -eu
config=${GATEWAY_CONFIG:-/etc/split-ready/nginx.conf}
runtime=${GATEWAY_RUNTIME_DIR:-/tmp/gateway}
mkdir -p "$runtime"
script="s|@LISTEN@|${GATEWAY_LISTEN:-8080}|g; s|@RUNTIME_DIR@|$runtime|g"
for name in $(grep -o '@[A-Z0-9_]*_UPSTREAM@' "$config" | tr -d @ | sort -u); do
  address=$(printenv "$name" || true)
  [ -n "$address" ] || { echo "$name: required, host:port of that service" >&2; exit 1; }
  script="$script; s|@$name@|$address|g"
done
sed -e "$script" "$config" > "$runtime/nginx.conf"

# nginx resolves the upstream names once, when it loads its configuration. Where a name resolves
# to the replicas themselves and they come and go (Swarm's dnsrr endpoints, docker/swarm.yml),
# GATEWAY_RESOLVER names a DNS server (Docker's is 127.0.0.11): each request then proxies to the
# name through a variable, which nginx resolves at request time (cached 1 s) and balances over
# every address, retrying a refused connection on the next one as the upstream blocks do. The
# routes, limits and error pages are untouched. No reload is needed, so no client's kept-alive
# connection is closed under it.
if [ -n "${GATEWAY_RESOLVER:-}" ]; then
  dynamic="s|^http {|http {\n    resolver $GATEWAY_RESOLVER valid=1s ipv6=off;|"
  targets=""
  for name in $(grep -o '@[A-Z0-9_]*_UPSTREAM@' "$config" | tr -d @ | sort -u); do
    service=$(echo "${name%_UPSTREAM}" | tr 'A-Z' 'a-z')
    targets="$targets\n        set \$upstream_$service $(printenv "$name");"
    dynamic="$dynamic; s|proxy_pass http://$service;|proxy_pass http://\$upstream_$service;|"
  done
  dynamic="$dynamic; s|^\( *listen [^;]*;\)|\1$targets|"
  sed -i -e "$dynamic" "$runtime/nginx.conf"
fi
exec nginx -e stderr -c "$runtime/nginx.conf" -g 'daemon off;'
