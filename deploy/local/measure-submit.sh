#!/usr/bin/env bash
# Measures, on a running system (dotnet run --project Orchestrator.AppHost), the time from POST /api/tasks to
# the task being Running as a client sees it, beside a bare create+start of the same image on the Docker socket.
# Usage: ORCHESTRATOR_API_KEY=... deploy/local/measure-submit.sh [N] [API]. The key is the AppHost's
# (dotnet user-secrets list --project Orchestrator.AppHost). Traffic goes to loopback and the local engine only.
set -euo pipefail
N=${1:-20}
API=${2:-http://localhost:5555}
KEY=${ORCHESTRATOR_API_KEY:?set ORCHESTRATOR_API_KEY to the key of the Api}
IMAGE=orchestrator/busybox:latest
SOCKET=/var/run/docker.sock

now_ms() { date +%s%3N; }
field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }

percentiles() { # label, then one number a line on stdin
  sort -n | awk -v label="$1" '{ v[NR] = $1 } END {
    printf "%-28s n=%d p50=%d ms p90=%d ms p99=%d ms max=%d ms\n", label, NR,
      v[int(NR*0.5+0.5)], v[int(NR*0.9+0.5)], v[int(NR*0.99+0.5)], v[NR] }'
}

orchestrated() {
  for _ in $(seq 1 "$N"); do
    local t0 id
    t0=$(now_ms)
    id=$(curl -sf -H "Authorization: Bearer $KEY" -X POST "$API/api/tasks" -H 'Content-Type: application/json' \
      -d "{\"name\":\"measure\",\"image\":\"$IMAGE\",\"command\":[\"sleep\",\"60\"]}" | field id)
    until curl -sf -H "Authorization: Bearer $KEY" "$API/api/tasks/$id" | grep -q '"state":"Running"'; do sleep 0.01; done
    echo $(($(now_ms) - t0))
    curl -sf -H "Authorization: Bearer $KEY" -X DELETE "$API/api/tasks/$id" >/dev/null
  done
}

bare() {
  for _ in $(seq 1 "$N"); do
    local t0 id
    t0=$(now_ms)
    id=$(curl -sf --unix-socket "$SOCKET" -X POST -H 'Content-Type: application/json' \
      -d "{\"Image\":\"$IMAGE\",\"Cmd\":[\"sleep\",\"60\"]}" http://engine/containers/create | field Id)
    curl -sf --unix-socket "$SOCKET" -X POST "http://engine/containers/$id/start" >/dev/null
    echo $(($(now_ms) - t0))
    curl -sf --unix-socket "$SOCKET" -X DELETE "http://engine/containers/$id?force=true" >/dev/null
  done
}

orchestrated | percentiles "POST to Running"
bare | percentiles "bare create+start"
