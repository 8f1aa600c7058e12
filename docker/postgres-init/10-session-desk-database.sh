#!/bin/sh
# Runs once, when the postgres volume is first created: Session Desk's own store (staff, audit trail,
# bulk runs) gets a database and a role of its own, beside the SuperTokens core's database.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=password="$SESSION_DESK_DB_PASSWORD" <<'EOSQL'
CREATE ROLE session_desk LOGIN PASSWORD :'password';
CREATE DATABASE session_desk OWNER session_desk;
EOSQL
