#!/bin/sh
# Start RabbitMQ in the foreground, logging to stdout, with the user broker.env describes.
#   RABBITMQ_USER            the one user (all permissions on vhost /)
#   RABBITMQ_PASSWORD_HASH   its password, hashed (rabbit_password_hashing_sha256: base64 of
#                            a 4-byte salt + sha256(salt + password)); docker/compose_env.py
set -eu
: "${RABBITMQ_USER:?RABBITMQ_USER is required (var/compose/broker.env)}"
: "${RABBITMQ_PASSWORD_HASH:?RABBITMQ_PASSWORD_HASH is required (var/compose/broker.env)}"
umask 077
mkdir -p /tmp/split-ready-broker
cat >/tmp/split-ready-broker/definitions.json <<JSON
{"vhosts": [{"name": "/"}],
 "users": [{"name": "$RABBITMQ_USER", "password_hash": "$RABBITMQ_PASSWORD_HASH",
            "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ""}],
 "permissions": [{"user": "$RABBITMQ_USER", "vhost": "/",
                  "configure": ".*", "write": ".*", "read": ".*"}]}
JSON
# Erlang's cookie guards the (loopback-only) distribution port that rabbitmqctl uses: one per
# data volume, made on first start.
if [ ! -s "$HOME/.erlang.cookie" ]; then
  od -An -N 24 -tx1 /dev/urandom | tr -d ' \n' >"$HOME/.erlang.cookie"
  chmod 400 "$HOME/.erlang.cookie"
fi
exec /usr/lib/rabbitmq/bin/rabbitmq-server
