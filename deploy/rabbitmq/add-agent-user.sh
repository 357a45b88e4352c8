#!/usr/bin/env bash
# Gives one worker host its own RabbitMQ user, which reaches only that node's
# queue, the reports agents publish and the reply queues of the Api's requests.
# The user is named after the node's id, as its queue is (agent-<32 hex
# digits>), and StateStore believes reports under it only about that node.
# Run it where rabbitmqctl reaches the cluster's broker (on the broker's host,
# or with --rabbitmqctl 'docker exec BROKER-CONTAINER rabbitmqctl').
#
#   deploy/rabbitmq/add-agent-user.sh NODE-NAME [--node-id ID] [--vhost VHOST] [--rabbitmqctl CMD]
#   deploy/rabbitmq/add-agent-user.sh --remove --node-id ID [--rabbitmqctl CMD]
#
# It prints the node's settings, as KEY=VALUE lines for the agent's environment:
#   Agent__NodeId=...            the node's id, which its queue and user are named after
#   Agent__NodeName=NODE-NAME
#   AGENT_BROKER_USER=agent-...
#   AGENT_BROKER_PASSWORD=...    put both in ConnectionStrings__messaging
# A new node gets a new id. For a host already in the cluster, pass its id with
# --node-id (the file node-id in the agent's data directory). Run it again with
# the same --node-id to rotate the password.
set -euo pipefail

die() { echo "add-agent-user: error: $*" >&2; exit 1; }
usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

NAME="" NODE_ID="" VHOST="/" RABBITMQCTL="rabbitmqctl" REMOVE=0
while [ $# -gt 0 ]; do
	case "$1" in
	--node-id) NODE_ID="${2:?}"; shift 2 ;;
	--vhost) VHOST="${2:?}"; shift 2 ;;
	--rabbitmqctl) RABBITMQCTL="${2:?}"; shift 2 ;;
	--remove) REMOVE=1; shift ;;
	-h | --help) usage ;;
	-*) echo "add-agent-user: unknown option '$1'" >&2; usage ;;
	*) [ -z "$NAME" ] || die "one node name, got '$NAME' and '$1'"; NAME="$1"; shift ;;
	esac
done
ctl() { $RABBITMQCTL --quiet "$@"; }
node_id() {
	local id
	id="$(echo "$1" | tr 'A-F' 'a-f')"
	[[ "$id" =~ ^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$ ]] || die "--node-id wants a UUID, got '$1'"
	echo "$id"
}

if [ "$REMOVE" = 1 ]; then
	[ -n "$NODE_ID" ] || die "--remove needs --node-id ID"
	NODE_ID="$(node_id "$NODE_ID")"
	ctl delete_user "agent-${NODE_ID//-/}" >/dev/null
	echo "add-agent-user: removed agent-${NODE_ID//-/}" >&2
	exit 0
fi

[ -n "$NAME" ] || usage
[[ "$NAME" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] || die "a node name is letters, digits, '.', '_' and '-', got '$NAME'"
if [ -z "$NODE_ID" ]; then
	NODE_ID="$(cat /proc/sys/kernel/random/uuid)"
fi
NODE_ID="$(node_id "$NODE_ID")"
QUEUE="agent-${NODE_ID//-/}"   # AgentIdentity: the id without dashes, for the queue and the user
USER="$QUEUE"
PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 32)"

# What the agent declares, binds and writes to:
#  - its own queue and exchange, the error and skipped queues MassTransit adds beside them, and the queue its
#    answers come to (-answers: StateStore's answers to its requests for a task's secrets and registry credentials);
#  - the exchange of the event it publishes, its heartbeat (MassTransit names it Namespace:Type);
#  - the exchanges of the task-report queues (task-reports-N), where it sends its reports about its tasks;
#  - the exchanges of the requests it makes at a task's start, for its secrets (StateStore's get-task-secrets), for
#    the addresses of the services it calls (get-service-addresses) and, before it pulls the task's image, for its
#    registry's credentials (get-pull-credentials);
#  - the Api's reply queues (*_bus_*), where it answers a request for a task's logs.
# It reads only its own queues: another node's commands, StateStore's queues and every reply queue stay closed.
OWN="$QUEUE(_error|_skipped|-answers)?"
EVENTS='Orchestrator\.Contracts:NodeHeartbeat'
REPORTS='task-reports-[0-9]+'
REQUESTS='get-task-secrets|get-service-addresses|get-pull-credentials'
REPLIES='.+_bus_.+'
CONFIGURE="^($OWN|$EVENTS|$REPORTS|$REQUESTS|$REPLIES)\$"
WRITE="$CONFIGURE"
READ="^$OWN\$"

USERS="$(ctl list_users | cut -f1)"
if grep -qx "$USER" <<<"$USERS"; then
	ctl change_password "$USER" "$PASSWORD" >/dev/null
else
	ctl add_user "$USER" "$PASSWORD" >/dev/null
fi
ctl set_permissions -p "$VHOST" "$USER" "$CONFIGURE" "$WRITE" "$READ" >/dev/null

echo "Agent__NodeId=$NODE_ID"
echo "Agent__NodeName=$NAME"
echo "AGENT_BROKER_USER=$USER"
echo "AGENT_BROKER_PASSWORD=$PASSWORD"
echo "add-agent-user: $USER may use queue $QUEUE; start the agent with Agent__NodeId=$NODE_ID and" \
	"ConnectionStrings__messaging=amqp://$USER:<password>@BROKER-HOST:5672" >&2
