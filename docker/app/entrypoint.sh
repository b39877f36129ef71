#!/bin/sh
# Migrate this service's database (one container at a time: migrate_all takes a lock), then serve.
set -eu
python /app/manage.py migrate_all --verbosity 1
exec gunicorn --config python:config.gunicorn config.wsgi:application
