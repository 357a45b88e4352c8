#!/bin/bash
# Entrypoint for orchestrator/rabbitmq:3: runs Debian's rabbitmq-server in the
# foreground as the rabbitmq OS user, like the official image does.
# RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS are honoured by the server itself.
set -euo pipefail

# A first argument that looks like a flag means "flags for rabbitmq-server".
first="${1:-}"
if [ "${first:0:1}" = '-' ]; then
	set -- rabbitmq-server "$@"
fi

if [ "${1:-}" = rabbitmq-server ] && [ "$(id -u)" = 0 ]; then
	shift
	# Also right for a fresh volume mounted over the data directory.
	mkdir -p /var/lib/rabbitmq /var/log/rabbitmq
	chown rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
	export HOME=/var/lib/rabbitmq
	# setpriv execs (no lingering root parent), so signals reach the server.
	exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups -- \
		/usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi

exec "$@"
