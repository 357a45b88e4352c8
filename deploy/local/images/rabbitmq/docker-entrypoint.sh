#!/bin/bash
# Entrypoint for orchestrator/rabbitmq:3: runs Debian's rabbitmq-server in the
# foreground as the rabbitmq OS user, like the official image does.
# RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS are honoured by the server itself.
#
# Clustering (both unset: a standalone node, as before):
#   RABBITMQ_ERLANG_COOKIE  the shared secret of a cluster's nodes, written to
#                           the rabbitmq user's .erlang.cookie (mode 600) before
#                           the server starts; every node and rabbitmqctl
#                           (docker exec) need the same one.
#   RABBITMQ_CLUSTER_NODES  the cluster's nodes, space-separated, e.g.
#                           "rabbit@rabbit1 rabbit@rabbit2 rabbit@rabbit3". A node
#                           with no data yet joins the first of them that answers
#                           (classic_config peer discovery), or starts the
#                           cluster when none does; a node with data rejoins the
#                           cluster it belongs to. Start the first node before the
#                           others, so that two cannot each start a cluster.
# A cluster node must be reachable under its name: the image's default
# RABBITMQ_NODENAME (rabbit@localhost) becomes rabbit@<container hostname>
# when RABBITMQ_CLUSTER_NODES is set, as the official image names its node.
# Only this entrypoint sees that name, though: `docker exec ... rabbitmqctl`
# still reads the image's default and needs `-n rabbit@<hostname>`. Setting
# RABBITMQ_NODENAME on the container (rabbit@<its name on the network>) names
# the node for both, and is what a cluster's containers should do.
set -euo pipefail

CLUSTER_CONFIG=/etc/rabbitmq/conf.d/10-cluster.conf
IMAGE_NODENAME=rabbit@localhost

# A first argument that looks like a flag means "flags for rabbitmq-server".
first="${1:-}"
if [ "${first:0:1}" = '-' ]; then
	set -- rabbitmq-server "$@"
fi

# write_cookie: the cluster's shared secret (or, for a standalone node with
# none yet, a random one), readable by the rabbitmq user only: Erlang refuses
# a cookie file that others can read. Made here, before the server starts,
# because a `docker exec rabbitmqctl` that came first would otherwise create
# it through root's symlink as root's, which the server then cannot read.
write_cookie() {
	local cookie=/var/lib/rabbitmq/.erlang.cookie
	if [ -n "${RABBITMQ_ERLANG_COOKIE:-}" ]; then
		(umask 077 && printf '%s' "$RABBITMQ_ERLANG_COOKIE" >"$cookie")
	elif [ ! -s "$cookie" ]; then
		(umask 077 && head -c 15 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$cookie")
	fi
	chown rabbitmq:rabbitmq "$cookie"
	chmod 600 "$cookie"
}

# write_cluster_config: the peer discovery settings, rewritten at every start
# so that a restarted container follows its current environment.
write_cluster_config() {
	mkdir -p "$(dirname "$CLUSTER_CONFIG")"
	rm -f "$CLUSTER_CONFIG"
	[ -n "${RABBITMQ_CLUSTER_NODES:-}" ] || return 0
	if [ "${RABBITMQ_NODENAME:-$IMAGE_NODENAME}" = "$IMAGE_NODENAME" ]; then
		export RABBITMQ_NODENAME="rabbit@$(hostname)"
	fi
	local node i=1
	{
		echo "# written by docker-entrypoint.sh from RABBITMQ_CLUSTER_NODES"
		echo "cluster_formation.peer_discovery_backend = classic_config"
		for node in $RABBITMQ_CLUSTER_NODES; do
			echo "cluster_formation.classic_config.nodes.$i = $node"
			i=$((i + 1))
		done
	} >"$CLUSTER_CONFIG"
}

if [ "${1:-}" = rabbitmq-server ] && [ "$(id -u)" = 0 ]; then
	shift
	# Also right for a fresh volume mounted over the data directory.
	mkdir -p /var/lib/rabbitmq /var/log/rabbitmq
	chown rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
	export HOME=/var/lib/rabbitmq
	write_cookie
	write_cluster_config
	# setpriv execs (no lingering root parent), so signals reach the server.
	exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups -- \
		/usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi

exec "$@"
