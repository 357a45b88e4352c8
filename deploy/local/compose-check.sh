# What check-compose.sh and check-compose-ha.sh share; sourced, after they set REPO (the checkout), CHECK (their
# name, for their lines), PROJECT (the compose project, whose name prefixes the agent's), ORCHESTRATOR_API_KEY and
# ORCHESTRATOR_PASSWORD. Each defines cleanup, which begin_check runs on exit.

AGENT="$PROJECT-agent"
NODE="$PROJECT-node"
# The agent's task files must be on tmpfs (Agent:TaskFilesPath), and the engine bind-mounts them from the host's
# path; /dev/shm is tmpfs on every Linux host, where /run may not be (in a container, say).
TASK_FILES="/dev/shm/$PROJECT/tasks"

log() { echo "$CHECK: $*"; }
die() { echo "$CHECK: FAILED: $*" >&2; exit 1; }

# The Api, with its key.
api() { curl -fsS -H "Authorization: Bearer $ORCHESTRATOR_API_KEY" "$@"; }

# need_tools COMMAND...: installs (apt) each command's package of the same name that this host lacks.
need_tools() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null && continue
		log "installing $tool (apt)"
		apt-get install -y --no-install-recommends "$tool" >/dev/null || {
			apt-get update >/dev/null && apt-get install -y --no-install-recommends "$tool" >/dev/null
		}
	done
}

# begin_check: what both checks do first: as root, on a prepared machine (deploy/local/prepare.sh) with
# docker-compose and jq, with the caller's cleanup run on exit and once now, for what an interrupted run left.
begin_check() {
	[ "$(id -u)" = 0 ] || die "must run as root"
	"$REPO/deploy/local/prepare.sh"
	need_tools docker-compose jq
	trap cleanup EXIT
	cleanup
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND once a second.
wait_for() {
	local what="$1" seconds="$2" i
	shift 2
	for ((i = 0; i < seconds; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
	done
	die "$what: not within $seconds s"
}

# start_agent BROKER IMAGE [DOCKER-RUN-ARGS...]: one worker agent from its image, as a worker host runs it, given
# the broker's HOST:PORT list (the broker user is the control plane's).
start_agent() {
	local broker="$1" image="$2"
	shift 2
	mkdir -p "$TASK_FILES"
	docker run -d --name "$AGENT" --network host --device /dev/kmsg --cap-add SYSLOG \
		-v /var/run/docker.sock:/var/run/docker.sock -v "$PROJECT-agent-data:/var/lib/orchestrator-agent" \
		-v "$TASK_FILES:$TASK_FILES" -e "Agent__TaskFilesPath=$TASK_FILES" \
		-e "ConnectionStrings__messaging=amqp://orchestrator:$ORCHESTRATOR_PASSWORD@$broker" \
		-e "Agent__NodeName=$NODE" -e Agent__PullMissingImages=false \
		"$@" "$image" >/dev/null
}

# remove_agent: the agent, its tasks' containers, its data and its task files.
remove_agent() {
	docker rm -f "$AGENT" >/dev/null 2>&1
	local node_id
	# The agent keeps its node id in its data volume; its task containers carry it as a label.
	node_id="$(cat "$(docker volume inspect -f '{{.Mountpoint}}' "$PROJECT-agent-data" 2>/dev/null)/node-id" 2>/dev/null)"
	[ -z "$node_id" ] || docker rm -f $(docker ps -aq --filter "label=orchestrator.node-id=$node_id") >/dev/null 2>&1
	docker volume rm "$PROJECT-agent-data" >/dev/null 2>&1
	rm -rf "/dev/shm/$PROJECT"
}

node_ready() { api "$1/api/nodes" | jq -e --arg name "$NODE" 'any(.[]; .name == $name and .status == "Ready")'; }
task_state_is() { api "$1/api/tasks/$2" | grep -q "\"state\":\"$3\""; }
