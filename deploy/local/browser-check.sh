#!/usr/bin/env bash
# What the browser checks (check-dashboard.sh, check-web.sh) share: installing Debian's chromium and playwright-core,
# building and starting the whole system (the AppHost) on its fixed ports, and undoing all of it on any exit.
# Sourced, not run. The caller sets, before sourcing:
#   CHECK         its name, the prefix of every line it prints
#   OUT_DIR       where logs and screenshots go
#   API_KEY       the Api's key for this run (given to the AppHost as its api-key parameter)
#   PORTS         the ports the run needs free (the AppHost's and the pages it checks)
#   SCREENSHOTS   the files a passing run names at its end
# and may set APPHOST_PARAMETERS (more `Parameters__name=value` words for the AppHost's environment).
# It never stops anything it did not start: a port already taken makes the run stop with a message.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE_DIR="${ORCHESTRATOR_CACHE_DIR:-/var/cache/orchestrator}"
NODE_DIR="$CACHE_DIR/check-dashboard-node" # playwright-core lives here, not in the repo
PLAYWRIGHT_VERSION=1.65.1
# Fixed by the launch profiles: src/Orchestrator.Api/Properties/launchSettings.json.
API=http://localhost:5555
APPHOST_EXE="$REPO/Orchestrator.AppHost/bin/Debug/net10.0/Orchestrator.AppHost"
IMAGE=orchestrator/busybox:latest
# Bounded waits, in seconds (the machine may be shared; a first build takes minutes).
BUILD_TIMEOUT="${CHECK_BUILD_TIMEOUT:-1200}"
START_TIMEOUT="${CHECK_START_TIMEOUT:-420}"
RUNNING_TIMEOUT=120
STOP_TIMEOUT=90
APPHOST_PARAMETERS="${APPHOST_PARAMETERS:-}"
export DEBIAN_FRONTEND=noninteractive

T0=$SECONDS
FAILED=0
log() { echo "$CHECK: $*"; }
pass() { echo "$CHECK: [ok] $*"; }
fail() { echo "$CHECK: [FAIL] $*"; FAILED=1; }
die() { fail "$*"; exit 1; }

# json EXPR: evaluates EXPR on the JSON document on stdin (as `o`) with Node, printing the result.
json() { node -e "const o = JSON.parse(require('fs').readFileSync(0, 'utf8')); const r = ($1); process.stdout.write(r == null ? '' : String(r));"; }

# api_curl ARGS...: curl with the Api's key.
api_curl() { curl -H "Authorization: Bearer $API_KEY" "$@"; }

# wait_until SECONDS WHAT CMD...: runs CMD every second until it succeeds; dies after SECONDS.
wait_until() {
	local limit="$1" what="$2" start=$SECONDS
	shift 2
	until "$@"; do
		((SECONDS - start < limit)) || die "timed out after $limit s waiting for $what"
		sleep 1
	done
}

# ---------------------------------------------------------------------------
# What this run started, undone on any exit.
RUN_PID=      # `dotnet run`
APPHOST_PID=  # its child, the AppHost itself
TASK_ID=
CONTAINERS_BEFORE=
CLEANED=

# The AppHost process: the child of `dotnet run` whose executable is the AppHost's.
find_apphost() {
	[ -n "$RUN_PID" ] || return 1
	local child
	for child in $(ps -o pid= --ppid "$RUN_PID" 2>/dev/null); do
		if [ "$(readlink "/proc/$child/exe" 2>/dev/null)" = "$APPHOST_EXE" ]; then
			APPHOST_PID=$child
			return 0
		fi
	done
	return 1
}

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

task_state() { api_curl -sf -m 5 "$API/api/tasks/$TASK_ID" | json 'o.state'; }

stop_task() {
	[ -n "$TASK_ID" ] || return 0
	local state="" i
	# DELETE stops it (SIGTERM, then SIGKILL after its 1 s stop timeout); a DELETE of a finished task removes
	# the container the agent keeps for its logs.
	api_curl -sf -m 10 -o /dev/null -X DELETE "$API/api/tasks/$TASK_ID" || true
	for ((i = 0; i < 30; i++)); do
		state="$(task_state || true)"
		case "$state" in Completed | Failed | "") break ;; esac
		sleep 1
	done
	api_curl -sf -m 10 -o /dev/null -X DELETE "$API/api/tasks/$TASK_ID" || true
	for ((i = 0; i < 30; i++)); do
		[ -z "$(docker ps -aq --filter "label=orchestrator.task-id=$TASK_ID")" ] && break
		sleep 1
	done
	local left
	left="$(docker ps -aq --filter "label=orchestrator.task-id=$TASK_ID")"
	if [ -n "$left" ]; then
		fail "task $TASK_ID's container $left was still there after two DELETEs (state ${state:-unknown}); removing it"
		docker rm -f $left >/dev/null || true
	else
		pass "task $TASK_ID stopped through the Api (${state:-state unknown}) and its container removed"
	fi
}

# Containers that Aspire's orchestrator (DCP) made during this run, and our task's. Postgres and RabbitMQ are
# persistent: they outlive the AppHost on purpose, so that its next run finds the tasks this one left.
run_containers() {
	local id
	for id in $(docker ps -aq --no-trunc --filter label=com.microsoft.developer.usvc-dev.name); do
		[ "$(docker inspect -f '{{index .Config.Labels "com.microsoft.developer.usvc-dev.persistent"}}' "$id" 2>/dev/null)" = true ] && continue
		grep -qx "$id" <<<"$CONTAINERS_BEFORE" || echo "$id"
	done
	[ -z "$TASK_ID" ] || docker ps -aq --no-trunc --filter "label=orchestrator.task-id=$TASK_ID"
}

# Service processes running from this checkout's build output (DCP starts them for the AppHost).
run_processes() {
	local p exe
	for p in /proc/[0-9]*; do
		exe="$(readlink "$p/exe" 2>/dev/null)" || continue
		case "$exe" in "$REPO"/src/*/bin/* | "$APPHOST_EXE") echo "${p#/proc/}" ;; esac
	done
}

stop_apphost() {
	[ -n "$RUN_PID" ] || return 0
	alive "$APPHOST_PID" || find_apphost || true
	# DCP's processes watch the AppHost (--monitor PID) and tear everything down when it exits.
	local dcp=() p start=$SECONDS
	if [ -n "$APPHOST_PID" ]; then
		for p in $(pgrep -f -- "--monitor $APPHOST_PID( |\$)" || true); do dcp+=("$p"); done
		log "stopping the AppHost (SIGTERM to pid $APPHOST_PID)"
		kill -TERM "$APPHOST_PID" 2>/dev/null || true
	else
		log "stopping \`dotnet run\` (SIGTERM to pid $RUN_PID; the AppHost had not started)"
		kill -TERM "$RUN_PID" 2>/dev/null || true
	fi
	while alive "$APPHOST_PID" || alive "$RUN_PID"; do
		if ((SECONDS - start >= STOP_TIMEOUT)); then
			fail "the AppHost did not stop within $STOP_TIMEOUT s of SIGTERM; sending SIGKILL to pids $APPHOST_PID $RUN_PID"
			kill -KILL $APPHOST_PID $RUN_PID 2>/dev/null || true
			break
		fi
		sleep 1
	done
	# Then wait for DCP to remove its containers and stop the services and itself.
	local containers procs
	while :; do
		containers="$(run_containers)"
		procs="$(run_processes)"
		for p in ${dcp[@]+"${dcp[@]}"}; do alive "$p" && procs+=" $p"; done
		[ -z "$containers" ] && [ -z "${procs// /}" ] && break
		((SECONDS - start < STOP_TIMEOUT + 60)) || break
		sleep 1
	done
	if [ -n "$containers" ]; then
		fail "containers of this run were still there $((SECONDS - start)) s after the AppHost stopped: $(echo $containers | cut -c1-200); removing them"
		docker rm -f -v $containers >/dev/null || true
	fi
	if [ -n "${procs// /}" ]; then
		fail "processes of this run were still running $((SECONDS - start)) s after the AppHost stopped (pids$procs); left alone"
	fi
	if [ -z "$containers" ] && [ -z "${procs// /}" ]; then
		pass "AppHost stopped in $((SECONDS - start)) s; no container (but the persistent Postgres and RabbitMQ), service or DCP process of this run remains"
	fi
}

cleanup() {
	local rc=$?
	[ -z "$CLEANED" ] || return 0
	CLEANED=1
	set +e
	if [ -n "$RUN_PID" ]; then
		stop_task
		stop_apphost
	fi
	if [ "$rc" = 0 ] && [ "$FAILED" = 0 ]; then
		log "PASS in $((SECONDS - T0)) s; screenshots: $SCREENSHOTS"
	else
		log "FAIL after $((SECONDS - T0)) s; logs in $OUT_DIR"
		[ "$rc" != 0 ] || rc=1
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
ensure_tools() {
	local missing=() pkg
	for pkg in chromium fonts-dejavu-core; do
		dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
	done
	command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]} (apt)"
		timeout 300 apt-get update -qq >"$OUT_DIR/apt.log" 2>&1 || die "apt-get update failed (see $OUT_DIR/apt.log)"
		timeout 900 apt-get install -y --no-install-recommends "${missing[@]}" >>"$OUT_DIR/apt.log" 2>&1 ||
			die "apt-get install ${missing[*]} failed (see $OUT_DIR/apt.log)"
	fi
	local major
	major="$(node -p 'process.versions.node.split(".")[0]')"
	((major >= 20)) || die "playwright-core $PLAYWRIGHT_VERSION needs Node.js 20 or later; this machine has $(node --version)"
	if [ "$(node -p "try { require('$NODE_DIR/node_modules/playwright-core/package.json').version } catch { '' }")" != "$PLAYWRIGHT_VERSION" ]; then
		log "installing playwright-core $PLAYWRIGHT_VERSION (npm) into $NODE_DIR"
		mkdir -p "$NODE_DIR"
		PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 300 npm install --prefix "$NODE_DIR" --no-audit --no-fund \
			--no-package-lock "playwright-core@$PLAYWRIGHT_VERSION" >"$OUT_DIR/npm.log" 2>&1 ||
			die "npm install playwright-core failed (see $OUT_DIR/npm.log)"
	fi
	pass "tools: $(chromium --version 2>/dev/null | head -n 1 | cut -d' ' -f1-2), Node.js $(node --version), playwright-core $PLAYWRIGHT_VERSION"
}

ports_free() {
	local port
	for port in "${PORTS[@]}"; do
		if ss -Hltn "sport = :$port" | grep -q .; then
			die "port $port is already in use (is an AppHost running?); stop it first: this check starts its own"
		fi
	done
}

nodes_ready() {
	local nodes
	nodes="$(api_curl -sf -m 5 "$API/api/nodes")" || return 1
	READY_NODES="$(json 'o.filter(n => n.status === "Ready").map(n => n.name).join(", ")' <<<"$nodes")"
	[ -n "$READY_NODES" ]
}

apphost_up() {
	alive "$RUN_PID" || die "the AppHost exited early; the end of $OUT_DIR/apphost.log:
$(tail -n 20 "$OUT_DIR/apphost.log")"
	[ -n "$APPHOST_PID" ] || find_apphost || true
	nodes_ready
}

task_running() {
	TASK_JSON="$(api_curl -sf -m 5 "$API/api/tasks/$TASK_ID")" || return 1
	local state
	state="$(json 'o.state' <<<"$TASK_JSON")"
	case "$state" in
	Running) return 0 ;;
	Failed | Completed) die "task $TASK_ID ended $state before it ran: $(json 'o.message' <<<"$TASK_JSON")" ;;
	*) return 1 ;;
	esac
}

# Everything before the browser: one check at a time, free ports, Docker and the local images, the tools, the
# build, and the AppHost up with a Ready node.
start_system() {
	[ "$(id -u)" = 0 ] || die "must run as root"
	mkdir -p "$CACHE_DIR" "$OUT_DIR"
	# One check at a time. (fd 8 is closed for everything started below, so none of it holds the lock.)
	exec 8>"$CACHE_DIR/browser-check.lock"
	flock -n 8 || die "another browser check is in progress"
	rm -f "$OUT_DIR"/*.log "$OUT_DIR"/*.png

	ports_free
	log "preparing Docker and the local images (deploy/local/prepare.sh)"
	"$HERE/prepare.sh" 8>&- | sed 's/^/  /' || die "deploy/local/prepare.sh failed"
	ensure_tools

	log "building the AppHost and the services (log: $OUT_DIR/build.log)"
	local start=$SECONDS
	(cd "$REPO" && timeout "$BUILD_TIMEOUT" dotnet build Orchestrator.AppHost -nologo -v q) >"$OUT_DIR/build.log" 2>&1 ||
		die "dotnet build Orchestrator.AppHost failed or took over $BUILD_TIMEOUT s; the end of $OUT_DIR/build.log:
$(tail -n 20 "$OUT_DIR/build.log")"
	pass "built the AppHost and the services in $((SECONDS - start)) s"

	ports_free # again: the build may have taken minutes
	CONTAINERS_BEFORE="$(docker ps -aq --no-trunc)"
	log "starting the AppHost (log: $OUT_DIR/apphost.log)"
	start=$SECONDS
	cd "$REPO"
	# setsid: a Ctrl-C at the terminal reaches this script, whose cleanup stops the AppHost, not the AppHost directly.
	# shellcheck disable=SC2086 # APPHOST_PARAMETERS is a word list on purpose
	setsid env "Parameters__api-key=$API_KEY" $APPHOST_PARAMETERS dotnet run --project Orchestrator.AppHost --launch-profile http --no-build \
		>"$OUT_DIR/apphost.log" 2>&1 </dev/null 8>&- &
	RUN_PID=$!
	wait_until "$START_TIMEOUT" "the Api ($API/api/nodes) to list a Ready node" apphost_up
	[ -n "$APPHOST_PID" ] || find_apphost || die "found no AppHost process ($APPHOST_EXE) under \`dotnet run\` (pid $RUN_PID)"
	pass "AppHost (pid $APPHOST_PID) up in $((SECONDS - start)) s: the Api answers and nodes $READY_NODES are Ready"
}
