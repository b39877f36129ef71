#!/bin/bash
# The gateway's healthcheck: nginx accepts a connection and answers its own /healthz with 200.
# bash's /dev/tcp, so it needs neither curl nor Python in the image.
set -eu
listen=${GATEWAY_LISTEN:-8080}
exec 3<>"/dev/tcp/127.0.0.1/${listen##*:}"
printf 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
read -r _ status _ <&3
[ "$status" = 200 ]
