#!/bin/sh
# No arguments: the web process. Make its local state (VAR_DIR; the settings create nothing),
# migrate this service's database (one container at a time: migrate_all takes a lock), then serve.
# With arguments: another process of the same service (the events relay, a consumer), run as
# given, without migrating: only the web process migrates, so the others start after it is
# healthy (docker-compose.yml) and never race it.
set -eu
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
python /app/manage.py prepare_local_state
python /app/manage.py migrate_all --verbosity 1
exec gunicorn --config python:config.gunicorn config.wsgi:application
