#!/usr/bin/env bash
# Checks the deployment without the AppHost, end to end, on this machine:
#   1. builds the five images from this checkout (deploy/docker/build-images.sh);
#   2. starts the control plane with deploy/compose/compose.yaml (Debian's
#      docker-compose), on the local Postgres and RabbitMQ images;
#   3. runs one worker agent from its image, as a worker host would;
#   4. signs in to the web UI with the Api's key and finds the agent's node on its overview;
#   5. runs a task through the Api until it is Running, then stops it;
#   6. takes everything down again (containers, volumes, the agent's tasks).
# Prints one line per step and exits non-zero, saying why, on the first failure.
# Uses its own project name and ports (Api 15555, gateway 15080, web UI 15050, AMQP 15673), so it does not
# disturb the AppHost or the tests.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROJECT=orchestrator-check
API="http://127.0.0.1:15555"
WEB="http://127.0.0.1:15050"
export API_PORT=15555 AMQP_PORT=15673 ORCHESTRATOR_PASSWORD="check-$RANDOM$RANDOM"
export ORCHESTRATOR_API_KEY="check-compose-$RANDOM$RANDOM$RANDOM"
export ORCHESTRATOR_GATEWAY_KEY="check-gateway-$RANDOM$RANDOM$RANDOM" GATEWAY_PORT=15080 WEB_PORT=15050
export ORCHESTRATOR_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)"
export POSTGRES_IMAGE=orchestrator/postgres:15 RABBITMQ_IMAGE=orchestrator/rabbitmq:3
CHECK=check-compose
# shellcheck source=compose-check.sh
. "$REPO/deploy/local/compose-check.sh"

compose() { docker-compose --project-name "$PROJECT" --file "$REPO/deploy/compose/compose.yaml" "$@"; }

cleanup() {
	set +e
	remove_agent
	compose down --volumes --timeout 10 >/dev/null 2>&1
}

# web_shows_node: signs in to the web UI as a person would (its form, with the antiforgery token and the cookie it
# sets) and reads the overview, which the UI renders from the Api's answers: the node must be on it.
web_shows_node() {
	local jar token rc=0
	jar="$(mktemp)"
	token="$(curl -fsS -c "$jar" "$WEB/signin" | sed -n 's/.*name="__RequestVerificationToken" value="\([^"]*\)".*/\1/p')"
	if [ -z "$token" ] ||
		! curl -fsS -b "$jar" -c "$jar" -o /dev/null --data-urlencode "key=$ORCHESTRATOR_API_KEY" \
			--data-urlencode "returnUrl=/" --data-urlencode "__RequestVerificationToken=$token" "$WEB/signin" ||
		! curl -fsS -b "$jar" "$WEB/" | grep -q ">$NODE<"; then
		rc=1
	fi
	rm -f "$jar"
	return "$rc"
}

main() {
	begin_check

	"$REPO/deploy/docker/build-images.sh"

	log "starting the control plane (docker-compose)"
	compose up -d --quiet-pull 2>&1 | sed 's/^/  /'
	wait_for "the Api answering" 180 api "$API/api/nodes"
	log "ok: the Api answers at $API"

	log "starting a worker agent from its image"
	local started=$SECONDS
	start_agent "127.0.0.1:$AMQP_PORT" orchestrator/worker-agent:latest
	wait_for "node $NODE Ready" 90 node_ready "$API"
	log "ok: node $NODE is Ready, $((SECONDS - started)) s after docker run (polled once a second)"
	wait_for "the web UI showing node $NODE" 60 web_shows_node
	log "ok: signed in to the web UI at $WEB with the Api's key; its overview shows node $NODE"

	local task
	task="$(api -X POST "$API/api/tasks" -H 'Content-Type: application/json' \
		-d '{"name":"compose-check","image":"orchestrator/busybox:latest","command":["sleep","300"],"stopTimeoutSeconds":0}' |
		sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p')"
	[ -n "$task" ] || die "the Api did not accept the task"
	wait_for "task $task Running" 90 task_state_is "$API" "$task" Running
	log "ok: task $task is Running on $NODE"
	api -X DELETE "$API/api/tasks/$task" >/dev/null
	wait_for "task $task Completed" 60 task_state_is "$API" "$task" Completed
	log "ok: task $task stopped (Completed)"
	log "passed"
}

main "$@"
