#!/usr/bin/env bash
# Checks the Aspire dashboard in a real browser: starts the whole system (the AppHost), submits one task,
# and drives Debian's headless Chromium against the dashboard to show that the traces page lists the
# submission's trace, that its detail has spans from all four services (Api, StateStore, Scheduler,
# WorkerAgent), and that it is this task's trace (the agent's "docker start" span names its container).
# Then it stops the task and the AppHost and makes sure nothing the run started is left.
#
# Usage (root, Debian 12, .NET 10 SDK): deploy/local/check-dashboard.sh
# Prints one line per check ("[ok] ..." or "[FAIL] ...") and exits 0 only if every check passed. Screenshots
# and logs go to $CHECK_DASHBOARD_OUT (default /tmp/orchestrator-check-dashboard).
#
# Installs what it needs if missing: Docker and the local images (prepare.sh), Debian's chromium, and the npm
# package playwright-core (only the protocol driver; it never downloads a browser) into a cache outside the
# repo. Traffic goes to loopback only. It never stops anything it did not start: an AppHost that already
# runs (its ports are taken) makes it stop with a message.
set -euo pipefail

# The dashboard's ports are fixed by Orchestrator.AppHost/Properties/launchSettings.json (dashboard, OTLP, resource
# service); the Api's by its own launch profile.
CHECK=check-dashboard
OUT_DIR="${CHECK_DASHBOARD_OUT:-/tmp/orchestrator-check-dashboard}"
DASHBOARD=http://localhost:18888
# The Api's key for this run, given to the AppHost as its api-key parameter (instead of the one in its user secrets).
API_KEY="check-dashboard-$RANDOM$RANDOM$RANDOM"
PORTS=(18888 18889 18890 18891 5555)
SCREENSHOTS="$OUT_DIR/traces.png $OUT_DIR/trace-detail.png"
TRACE_TIMEOUT=120
source "$(dirname "${BASH_SOURCE[0]}")/browser-check.sh"

main() {
	start_system

	local body created start
	body='{"name":"check-dashboard","image":"'"$IMAGE"'","command":["sleep","600"],"stopTimeoutSeconds":1}'
	created="$(api_curl -sf -m 30 -X POST "$API/api/tasks" -H 'Content-Type: application/json' -d "$body")" ||
		die "POST $API/api/tasks failed"
	TASK_ID="$(json 'o.id' <<<"$created")"
	[ -n "$TASK_ID" ] || die "POST $API/api/tasks answered without an id: $created"
	start=$SECONDS
	wait_until "$RUNNING_TIMEOUT" "task $TASK_ID to be Running" task_running
	local container node_id node
	container="$(json 'o.containerId' <<<"$TASK_JSON")"
	node_id="$(json 'o.nodeId' <<<"$TASK_JSON")"
	node="$(api_curl -sf -m 5 "$API/api/nodes" | json "o.find(n => n.id === '$node_id')?.name")"
	[ -n "$container" ] && [ -n "$node" ] || die "task $TASK_ID is Running but names no container or node: $TASK_JSON"
	pass "submitted task $TASK_ID ($IMAGE, sleep 600); Running on $node in container ${container:0:12} after $((SECONDS - start)) s"

	log "driving headless Chromium against the dashboard ($DASHBOARD)"
	local rc=0
	DASHBOARD_URL="$DASHBOARD" TASK_ID="$TASK_ID" TASK_CONTAINER_ID="$container" TASK_NODE="$node" \
		OUT_DIR="$OUT_DIR" WAIT_SECONDS="$TRACE_TIMEOUT" CHROMIUM="$(command -v chromium)" \
		NODE_PATH="$NODE_DIR/node_modules" \
		timeout $((TRACE_TIMEOUT + 240)) node "$HERE/check-dashboard.cjs" 8>&- 2>"$OUT_DIR/browser.log" |
		sed 's/^/check-dashboard: /' || rc=$? # with pipefail: node's status
	[ "$rc" = 0 ] || FAILED=1
	[ "$rc" != 124 ] || fail "the browser check took over $((TRACE_TIMEOUT + 240)) s"
	local png
	for png in traces.png trace-detail.png; do
		if [ -s "$OUT_DIR/$png" ]; then log "screenshot: $OUT_DIR/$png"; fi
	done
	[ "$FAILED" = 0 ] || exit 1
}

main "$@"
