#!/bin/bash
# Entrypoint for orchestrator/postgres:15, following the contract of the
# official postgres image as its callers (Testcontainers, Aspire) see it:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default
#   = user), POSTGRES_HOST_AUTH_METHOD, POSTGRES_INITDB_ARGS, PGDATA,
#   /docker-entrypoint-initdb.d/*.sh|*.sql, and "-flags" / "postgres ..." args.
#
# Streaming replication (all unset: a standalone server, as before):
#   POSTGRES_REPLICATION_USER, POSTGRES_REPLICATION_PASSWORD
#     on a primary: a role with REPLICATION and LOGIN made at initialisation,
#     which pg_hba.conf lets connect for replication from anywhere; on a
#     standby: the role it streams from the primary with.
#   POSTGRES_PRIMARY_HOST, POSTGRES_PRIMARY_PORT (default 5432)
#     makes this server a standby of that primary: with an empty PGDATA it
#     waits until the primary answers, copies it (pg_basebackup -R, which also
#     writes standby.signal and primary_conninfo) and starts as a hot standby
#     that streams the primary's WAL. The copy brings the primary's settings,
#     users and pg_hba.conf along, so POSTGRES_PASSWORD and the initdb scripts
#     play no part on a standby.
# Promoting a standby (after its primary is lost) is Postgres's own business:
#   docker exec -u postgres STANDBY pg_ctl promote
# or, from a superuser's session, SELECT pg_promote(); it then accepts writes
# and stays a primary across restarts. Never start the old primary again on
# its old data next to the promoted one: it would take writes of its own.
set -euo pipefail

log() { echo "docker-entrypoint: $*" >&2; }

# A first argument that looks like a flag means "flags for postgres".
first="${1:-}"
if [ "${first:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

# Anything other than the server (e.g. bash) runs as given.
if [ "${1:-}" != postgres ]; then
	exec "$@"
fi
shift

export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
export HOME=/var/lib/postgresql
POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"
POSTGRES_INITDB_ARGS="${POSTGRES_INITDB_ARGS:-}"
POSTGRES_REPLICATION_USER="${POSTGRES_REPLICATION_USER:-}"
POSTGRES_REPLICATION_PASSWORD="${POSTGRES_REPLICATION_PASSWORD:-}"
POSTGRES_PRIMARY_HOST="${POSTGRES_PRIMARY_HOST:-}"
POSTGRES_PRIMARY_PORT="${POSTGRES_PRIMARY_PORT:-5432}"

# As root: make the directories postgres's (also on a fresh volume), then
# run this script again as the postgres OS user (setpriv execs, like gosu).
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	chown postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	chmod 2775 /var/run/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$BASH_SOURCE" postgres "$@"
fi

init_database() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
		log "error: database is uninitialized and POSTGRES_PASSWORD is not set"
		log "       (set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust)"
		exit 1
	fi
	local auth="${POSTGRES_HOST_AUTH_METHOD:-}"
	if [ -z "$auth" ]; then
		# Same default as the official image: the server's password_encryption.
		if [ -n "$POSTGRES_PASSWORD" ]; then auth=scram-sha-256; else auth=trust; fi
	fi

	log "initialising $PGDATA for user $POSTGRES_USER, database $POSTGRES_DB"
	# The bootstrap superuser gets the caller's name and password, as upstream.
	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a word list on purpose
	if [ -n "$POSTGRES_PASSWORD" ]; then
		initdb --username="$POSTGRES_USER" $POSTGRES_INITDB_ARGS \
			--pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") >&2
	else
		initdb --username="$POSTGRES_USER" $POSTGRES_INITDB_ARGS >&2
	fi

	cat >>"$PGDATA/postgresql.conf" <<-CONF

		# added by docker-entrypoint.sh
		listen_addresses = '*'
		port = 5432
	CONF
	printf '\n# added by docker-entrypoint.sh\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
	if [ -n "$POSTGRES_REPLICATION_USER" ]; then
		# wal_level is replica and max_wal_senders 10 by default in 15; kept WAL
		# lets a standby that fell behind (or restarted) catch up by streaming.
		cat >>"$PGDATA/postgresql.conf" <<-CONF
			wal_keep_size = 256MB
		CONF
		printf 'host replication "%s" all %s\n' "$POSTGRES_REPLICATION_USER" "$auth" >>"$PGDATA/pg_hba.conf"
	fi

	# Temporary server: no TCP and a private socket dir, so that pg_isready
	# (used as a readiness probe) cannot see it and nobody can connect early.
	local sock
	sock="$(mktemp -d /tmp/pg-init.XXXXXX)"
	pg_ctl -D "$PGDATA" -w -s \
		-o "-c listen_addresses='' -c unix_socket_directories='$sock'" start

	export PGHOST="$sock" PGUSER="$POSTGRES_USER" PGPASSWORD="$POSTGRES_PASSWORD"
	local psql=(psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc -q)
	if [ "$POSTGRES_DB" != postgres ]; then
		"${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<-'SQL'
			CREATE DATABASE :"db";
		SQL
	fi

	if [ -n "$POSTGRES_REPLICATION_USER" ]; then
		"${psql[@]}" --dbname postgres --set user="$POSTGRES_REPLICATION_USER" \
			--set password="$POSTGRES_REPLICATION_PASSWORD" <<-'SQL'
			CREATE ROLE :"user" WITH REPLICATION LOGIN PASSWORD :'password';
		SQL
	fi

	local f
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
			*.sh) log "running $f"; bash "$f" ;;
			*.sql) log "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
			*.sql.gz) log "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
			*) log "ignoring $f" ;;
		esac
	done

	pg_ctl -D "$PGDATA" -m fast -w -s stop
	unset PGHOST PGUSER PGPASSWORD
	rm -rf "$sock"
	log "initialisation complete; starting postgres"
}

# clone_primary: PGDATA as a copy of the primary, set up to stream from it.
clone_primary() {
	if [ -z "$POSTGRES_REPLICATION_USER" ]; then
		log "error: POSTGRES_PRIMARY_HOST is set but POSTGRES_REPLICATION_USER is not"
		exit 1
	fi
	# primary_conninfo, which -R writes, keeps the password from here.
	export PGPASSWORD="$POSTGRES_REPLICATION_PASSWORD"
	log "waiting for the primary $POSTGRES_PRIMARY_HOST:$POSTGRES_PRIMARY_PORT"
	until pg_isready -q -h "$POSTGRES_PRIMARY_HOST" -p "$POSTGRES_PRIMARY_PORT" -U "$POSTGRES_REPLICATION_USER"; do
		sleep 1
	done
	log "copying the primary into $PGDATA"
	# A copy cut short leaves files behind; the next start must begin anew.
	if ! pg_basebackup -h "$POSTGRES_PRIMARY_HOST" -p "$POSTGRES_PRIMARY_PORT" \
		-U "$POSTGRES_REPLICATION_USER" -D "$PGDATA" -R -X stream -c fast --no-password >&2; then
		find "$PGDATA" -mindepth 1 -delete
		log "error: pg_basebackup from the primary failed"
		exit 1
	fi
	unset PGPASSWORD
	log "copy complete; starting postgres as a standby"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -n "$POSTGRES_PRIMARY_HOST" ]; then
		clone_primary
	else
		init_database
	fi
fi

exec postgres "$@"
