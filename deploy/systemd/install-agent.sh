#!/usr/bin/env bash
# Installs the worker agent on this host as a systemd service, without a
# container: a self-contained build in /opt/orchestrator-agent, its settings in
# /etc/orchestrator/agent.env, the unit orchestrator-agent.service.
#
#   deploy/systemd/install-agent.sh --node-id ID --rabbitmq amqp://agent-ID:PASSWORD@BROKER:5672 \
#       [--name NODE] [--datacenter DC] [--label KEY=VALUE]... [--reserve-cpu C] [--reserve-memory MiB] \
#       [--from PUBLISH_DIR] [--root DIR] [--no-start] [--shared-broker-user]
#   deploy/systemd/install-agent.sh --uninstall [--root DIR]
#
# Run again to upgrade: the build is replaced and the service restarted; the
# node id in /var/lib/orchestrator-agent is kept, so the node keeps its identity
# and adopts its running containers. --from installs a build made elsewhere
# (deploy/publish.sh worker-agent DIR) instead of publishing from this checkout.
# --root installs under another root (for packaging, or to look at the result).
# --node-id: the id deploy/rabbitmq/add-agent-user.sh gave the node with its own broker user, which the URI
# must name (agent-<the id's 32 hex digits>). --shared-broker-user installs with another user instead, which
# can read every node's commands: only for a cluster whose broker users are not yet split.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
UNIT=orchestrator-agent.service

die() { echo "install-agent: error: $*" >&2; exit 1; }
usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

ROOT="" RABBITMQ="" NAME="" NODE_ID="" DATACENTER="" FROM="" START=1 UNINSTALL=0 RESERVE_CPU="" RESERVE_MEMORY="" SHARED=0
LABELS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--rabbitmq) RABBITMQ="${2:?}"; shift 2 ;;
	--name) NAME="${2:?}"; shift 2 ;;
	--node-id) NODE_ID="${2:?}"; shift 2 ;;
	--datacenter) DATACENTER="${2:?}"; shift 2 ;;
	--label) [[ "${2:-}" == ?*=* ]] || die "--label wants KEY=VALUE, got '${2:-}'"; LABELS+=("$2"); shift 2 ;;
	--reserve-cpu) RESERVE_CPU="${2:?}"; shift 2 ;;
	--reserve-memory) RESERVE_MEMORY="${2:?}"; shift 2 ;;
	--from) FROM="${2:?}"; shift 2 ;;
	--root) ROOT="${2:?}"; shift 2 ;;
	--no-start) START=0; shift ;;
	--shared-broker-user) SHARED=1; shift ;;
	--uninstall) UNINSTALL=1; shift ;;
	-h | --help) usage ;;
	*) echo "install-agent: unknown argument '$1'" >&2; usage ;;
	esac
done

APP_DIR="$ROOT/opt/orchestrator-agent"
ENV_FILE="$ROOT/etc/orchestrator/agent.env"
UNIT_FILE="$ROOT/etc/systemd/system/$UNIT"

# systemctl only for the real root, and only where systemd runs.
systemd_runs() { [ -z "$ROOT" ] && [ -d /run/systemd/system ]; }

uninstall() {
	if systemd_runs; then systemctl disable --now "$UNIT" 2>/dev/null || true; fi
	rm -rf "$APP_DIR" "$UNIT_FILE"
	if systemd_runs; then systemctl daemon-reload; fi
	echo "install-agent: removed the agent and its unit; kept $ENV_FILE and /var/lib/orchestrator-agent (the node id)"
}

write_env_file() {
	[[ "$RABBITMQ" == amqp://* || "$RABBITMQ" == amqps://* ]] || die "--rabbitmq wants an amqp:// URI"
	[ "$SHARED" = 1 ] || check_own_user
	mkdir -p "$(dirname "$ENV_FILE")"
	# It holds the broker's password: root only.
	(
		umask 077
		{
			echo "# Orchestrator worker agent settings (docs/deploy.md lists them all)."
			echo "ConnectionStrings__messaging=$RABBITMQ"
			[ -z "$NAME" ] || echo "Agent__NodeName=$NAME"
			[ -z "$NODE_ID" ] || echo "Agent__NodeId=$NODE_ID"
			[ -z "$DATACENTER" ] || echo "Agent__Datacenter=$DATACENTER"
			local label
			for label in "${LABELS[@]}"; do echo "Agent__Labels__${label%%=*}=${label#*=}"; done
			[ -z "$RESERVE_CPU" ] || echo "Agent__Reserved__Cpu=$RESERVE_CPU"
			[ -z "$RESERVE_MEMORY" ] || echo "Agent__Reserved__MemoryMb=$RESERVE_MEMORY"
		} >"$ENV_FILE.new"
	)
	mv "$ENV_FILE.new" "$ENV_FILE"
}

# The broker user must be the node's own (deploy/rabbitmq/add-agent-user.sh): it reaches only the node's queue, and
# StateStore believes its reports only about this node.
check_own_user() {
	local authority="${RABBITMQ#*://}"
	authority="${authority%%/*}"
	[[ "$authority" == *@* ]] || die "--rabbitmq names no user; give the node its own with deploy/rabbitmq/add-agent-user.sh"
	local user="${authority%%@*}"
	user="${user%%:*}"
	[ -n "$NODE_ID" ] || die "--node-id is required: give the node its own broker user with deploy/rabbitmq/add-agent-user.sh, which prints the id and the user (or pass --shared-broker-user)"
	local hex
	hex="$(printf %s "$NODE_ID" | tr -d '-' | tr 'A-F' 'a-f')"
	[[ "$hex" =~ ^[0-9a-f]{32}$ ]] || die "--node-id '$NODE_ID' is not a node id"
	[ "$user" = "agent-$hex" ] || die "the broker user '$user' is not node $NODE_ID's own (agent-$hex); give the node its own with deploy/rabbitmq/add-agent-user.sh (or pass --shared-broker-user)"
}

install_build() {
	local staged="$APP_DIR.new"
	rm -rf "$staged"
	if [ -n "$FROM" ]; then
		[ -x "$FROM/Orchestrator.WorkerAgent" ] || die "$FROM holds no Orchestrator.WorkerAgent"
		mkdir -p "$(dirname "$staged")"
		cp -a "$FROM" "$staged"
	else
		"$HERE/../publish.sh" worker-agent "$staged"
	fi
	# Swapped in whole, so a running agent never sees half a build.
	rm -rf "$APP_DIR.old"
	[ ! -d "$APP_DIR" ] || mv "$APP_DIR" "$APP_DIR.old"
	mv "$staged" "$APP_DIR"
	rm -rf "$APP_DIR.old"
}

install() {
	[ -n "$RABBITMQ" ] || [ -f "$ENV_FILE" ] || die "--rabbitmq is required on a first install"
	[ -z "$RABBITMQ" ] || write_env_file
	install_build
	mkdir -p "$(dirname "$UNIT_FILE")"
	cp "$HERE/$UNIT" "$UNIT_FILE"
	if systemd_runs; then
		systemctl daemon-reload
		if [ "$START" = 1 ]; then
			systemctl enable "$UNIT" >/dev/null 2>&1
			systemctl restart "$UNIT"
			echo "install-agent: $UNIT is running; follow it with: journalctl -u $UNIT -f"
			return
		fi
	fi
	echo "install-agent: installed under ${ROOT:-/}; start it with: systemctl enable --now $UNIT"
}

[ "$(id -u)" = 0 ] || [ -n "$ROOT" ] || die "must run as root"
if [ "$UNINSTALL" = 1 ]; then uninstall; else install; fi
