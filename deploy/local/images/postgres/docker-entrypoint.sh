#!/bin/bash
# Entrypoint for orchestrator/postgres:15, following the contract of the
# official postgres image as its callers (Testcontainers, Aspire) see it:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default
#   = user), POSTGRES_HOST_AUTH_METHOD, POSTGRES_INITDB_ARGS, PGDATA,
#   /docker-entrypoint-initdb.d/*.sh|*.sql, and "-flags" / "postgres ..." args.
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

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	init_database
fi

exec postgres "$@"
