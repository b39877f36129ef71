#!/bin/sh
# Fills in the only values that differ between topologies, then runs nginx in the foreground.
set -eu
: "${USERS_UPSTREAM:?USERS_UPSTREAM: required, host:port of the users service}"
: "${PROJECTS_UPSTREAM:?PROJECTS_UPSTREAM: required, host:port of the projects service}"
runtime=${GATEWAY_RUNTIME_DIR:-/tmp/gateway}
mkdir -p "$runtime"
sed -e "s|@USERS_UPSTREAM@|$USERS_UPSTREAM|g" \
    -e "s|@PROJECTS_UPSTREAM@|$PROJECTS_UPSTREAM|g" \
    -e "s|@LISTEN@|${GATEWAY_LISTEN:-8080}|g" \
    -e "s|@RUNTIME_DIR@|$runtime|g" \
    /etc/split-ready/nginx.conf > "$runtime/nginx.conf"
exec nginx -e stderr -c "$runtime/nginx.conf" -g 'daemon off;'
