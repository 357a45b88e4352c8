#!/usr/bin/env bash
# Checks the highly available deployment, end to end, on this machine:
#   1. builds the four images from this checkout (deploy/docker/build-images.sh);
#   2. starts deploy/compose/compose-ha.yaml (Debian's docker-compose) on the
#      local Postgres and RabbitMQ images, and checks that the broker is one
#      cluster of three running nodes and that the standby streams the primary;
#   3. runs one worker agent from its image, given all three broker nodes;
#   4. runs a task through the first Api until it is Running;
#   5. kills (SIGKILL) the StateStore that leads and the first broker node,
#      which every client tried first, then runs a second task through the
#      second Api until it is Running, and sees the lease move to the other
#      StateStore;
#   6. checks that every durable queue of the orchestrator's is a quorum queue,
#      and stops both tasks;
#   7. takes everything down again (containers, volumes, the agent's tasks,
#      its images).
# Prints one line per step and exits non-zero, saying why, on the first failure;
# then the services' and the agent's logs are kept in a directory it names.
# Uses its own project name, ports (Apis 15565 and 15566, AMQP 15682-15684) and
# image tag, so it does not disturb the AppHost, the tests or check-compose.sh,
# nor is disturbed by another build of the images.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROJECT=orchestrator-check-ha
API1="http://127.0.0.1:15565"
API2="http://127.0.0.1:15566"
export API_PORT=15565 API_PORT_2=15566 AMQP_PORT=15682 AMQP_PORT_2=15683 AMQP_PORT_3=15684
export ORCHESTRATOR_PASSWORD="check-$RANDOM$RANDOM"
export ORCHESTRATOR_API_KEY="check-compose-ha-$RANDOM$RANDOM$RANDOM"
export ORCHESTRATOR_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)"
export ORCHESTRATOR_ERLANG_COOKIE="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ORCHESTRATOR_REPLICATION_PASSWORD="replicate-$RANDOM$RANDOM"
export POSTGRES_IMAGE=orchestrator/postgres:15 RABBITMQ_IMAGE=orchestrator/rabbitmq:3
export TAG="$PROJECT"
SERVICES=(worker-agent api scheduler statestore)
# The lease whose holder runs StateStore's singletons (LeaseKeeper.SingletonsLease).
SINGLETONS_LEASE=statestore-singletons

CHECK=check-compose-ha
# shellcheck source=compose-check.sh
. "$REPO/deploy/local/compose-check.sh"

compose() { docker-compose --project-name "$PROJECT" --file "$REPO/deploy/compose/compose-ha.yaml" "$@"; }

# container SERVICE: the id of the service's container.
container() {
	local id
	id="$(compose ps -q "$1")"
	[ -n "$id" ] || die "no container for $1"
	echo "$id"
}

# sql SERVICE QUERY: one query on that Postgres server, as an unaligned value.
sql() { docker exec "$(container "$1")" psql -U orchestrator -d orchestrator -tAc "$2"; }

# ctl SERVICE ARGS...: rabbitmqctl on that broker node.
ctl() { docker exec "$(container "$1")" rabbitmqctl --quiet "${@:2}"; }

cleanup() {
	local status=$?
	set +e
	if [ "$status" != 0 ] && [ -n "${STARTED:-}" ]; then
		local logs
		logs="$(mktemp -d "/tmp/$PROJECT.XXXXXX")"
		compose logs --no-color >"$logs/compose.log" 2>&1
		docker logs "$AGENT" >"$logs/agent.log" 2>&1
		echo "check-compose-ha: the services' and the agent's logs are in $logs" >&2
	fi
	remove_agent
	compose down --volumes --timeout 10 >/dev/null 2>&1
	local service
	for service in "${SERVICES[@]}"; do
		docker image rm "orchestrator/$service:$TAG" >/dev/null 2>&1
	done
}

# running_broker_nodes SERVICE: how many nodes that broker node sees running in its cluster, itself included.
running_broker_nodes() { ctl "$1" --formatter json cluster_status | jq '.running_nodes | length'; }
cluster_of_three() { [ "$(running_broker_nodes rabbit1)" = 3 ]; }
rabbit1_gone() { [ "$(running_broker_nodes rabbit2)" = 2 ]; }
standby_streams() {
	[ "$(sql pg-primary "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] &&
		[ "$(sql pg-standby "SELECT pg_is_in_recovery()")" = t ]
}
# lease_holder: the StateStore (its host name) that holds the singletons' lease, if any holds it.
lease_holder() {
	sql pg-primary "SELECT split_part(\"Holder\", '/', 1) FROM orchestrator.leases WHERE \"Name\" = '$SINGLETONS_LEASE' AND \"ExpiresAt\" > now()"
}
lease_held() { [ -n "$(lease_holder)" ]; }
lease_held_by() { [ "$(lease_holder)" = "$1" ]; }

# run_task API NAME: submits a task through API, waits until it is Running, prints its id.
run_task() {
	local api_url="$1" name="$2" task started=$SECONDS
	task="$(api -X POST "$api_url/api/tasks" -H 'Content-Type: application/json' \
		-d "{\"name\":\"$name\",\"image\":\"orchestrator/busybox:latest\",\"command\":[\"sleep\",\"300\"],\"stopTimeoutSeconds\":0}" |
		sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p')"
	[ -n "$task" ] || die "the Api at $api_url did not accept task $name"
	wait_for "task $name ($task) Running" 120 task_state_is "$api_url" "$task" Running
	log "ok: task $name ($task) is Running on $NODE, $((SECONDS - started)) s after it was submitted to $api_url" >&2
	echo "$task"
}

main() {
	begin_check

	"$REPO/deploy/docker/build-images.sh" "${SERVICES[@]}"

	log "starting the control plane (docker-compose, compose-ha.yaml)"
	local started=$SECONDS
	STARTED=1
	compose up -d --quiet-pull 2>&1 | sed 's/^/  /'
	wait_for "the first Api answering" 240 api "$API1/api/nodes"
	wait_for "the second Api answering" 60 api "$API2/api/nodes"
	log "ok: both Apis answer ($API1, $API2), $((SECONDS - started)) s after docker-compose up"

	wait_for "a broker cluster of 3 running nodes" 60 cluster_of_three
	log "ok: the broker is one cluster of 3 running nodes"
	wait_for "the standby streaming from the primary" 60 standby_streams
	log "ok: pg-standby is in recovery and streams from pg-primary"

	log "starting a worker agent from its image, given all three broker nodes"
	started=$SECONDS
	# Image GC off: the agent shares this host's engine, whose images the tests and the AppHost need.
	start_agent "127.0.0.1:$AMQP_PORT,127.0.0.1:$AMQP_PORT_2,127.0.0.1:$AMQP_PORT_3" "orchestrator/worker-agent:$TAG" \
		-e Agent__ImageGc__Enabled=false
	wait_for "node $NODE Ready" 90 node_ready "$API1"
	log "ok: node $NODE is Ready, $((SECONDS - started)) s after docker run (polled once a second)"

	local first second
	first="$(run_task "$API1" ha-check-1)"

	wait_for "a StateStore holding the singletons' lease" 30 lease_held
	local leader survivor
	leader="$(lease_holder)"
	case "$leader" in
		statestore1) survivor=statestore2 ;;
		statestore2) survivor=statestore1 ;;
		*) die "the singletons' lease is held by '$leader', not by statestore1 or statestore2" ;;
	esac
	docker kill "$(container "$leader")" >/dev/null
	docker kill "$(container rabbit1)" >/dev/null
	log "killed (SIGKILL) $leader, which held the singletons' lease, and broker node rabbit1"
	wait_for "a broker cluster of 2 running nodes after rabbit1 was killed" 60 rabbit1_gone

	started=$SECONDS
	second="$(run_task "$API2" ha-check-2)"
	wait_for "the singletons' lease moving to $survivor" 30 lease_held_by "$survivor"
	log "ok: the singletons' lease is held by $survivor, $((SECONDS - started)) s after the second task was submitted"

	local queues classic
	queues="$(ctl rabbit2 list_queues name type durable --no-table-headers)"
	classic="$(awk '$3 == "true" && $2 != "quorum" { print $1 }' <<<"$queues")"
	[ -z "$classic" ] || die "durable queues that are not quorum queues: $(echo $classic)"
	local partition
	for partition in 0 1 2 3 4 5 6 7; do
		awk -v name="task-reports-$partition" '$1 == name && $2 == "quorum" { found = 1 } END { exit !found }' <<<"$queues" ||
			die "task-reports-$partition is not a quorum queue on the broker"
	done
	log "ok: all $(awk '$3 == "true"' <<<"$queues" | wc -l) durable queues are quorum queues (task-reports-0..7 among them)"

	api -X DELETE "$API2/api/tasks/$first" >/dev/null
	api -X DELETE "$API2/api/tasks/$second" >/dev/null
	wait_for "task $first Completed" 60 task_state_is "$API2" "$first" Completed
	wait_for "task $second Completed" 60 task_state_is "$API2" "$second" Completed
	log "ok: both tasks stopped (Completed) through the second Api"
	log "passed"
}

main "$@"
