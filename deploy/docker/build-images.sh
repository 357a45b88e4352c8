#!/usr/bin/env bash
# Builds the project's container images from this checkout:
#   orchestrator/worker-agent  orchestrator/api  orchestrator/scheduler  orchestrator/statestore
#   orchestrator/gateway  orchestrator/web
#
#   deploy/docker/build-images.sh [SERVICE...]     (default: all six)
#
# Each service is published self-contained (deploy/publish.sh) and copied onto
# the base image. BASE_IMAGE picks the base; by default the local
# orchestrator/dotnet-runtime-deps:10.0 that deploy/local/prepare.sh makes when
# it is present, else the Dockerfiles' default, the official runtime-deps image.
# TAG (default: latest) tags every image.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../publish.sh
source "$HERE/../publish.sh"
LOCAL_BASE=orchestrator/dotnet-runtime-deps:10.0
TAG="${TAG:-latest}"
ALL_SERVICES=(worker-agent api scheduler statestore gateway web)
# Each service's build context (its publish) and build log, removed on any exit.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

log() { echo "build-images: $*"; }

base_image() {
	if [ -n "${BASE_IMAGE:-}" ]; then
		echo "$BASE_IMAGE"
	elif docker image inspect "$LOCAL_BASE" >/dev/null 2>&1; then
		echo "$LOCAL_BASE"
	fi
}

dockerfile_of() {
	if [ "$1" = worker-agent ]; then echo "$HERE/worker-agent.Dockerfile"; else echo "$HERE/service.Dockerfile"; fi
}

build_one() {
	local service="$1" base="$2" start=$SECONDS
	local context="$WORK/$service" build_log="$WORK/$service.log"
	log "publishing $service"
	publish_service "$service" "$context"
	local args=(--file "$(dockerfile_of "$service")" --tag "orchestrator/$service:$TAG"
		--build-arg "EXECUTABLE=$(executable_of "$service")")
	[ -z "$base" ] || args+=(--build-arg "BASE_IMAGE=$base")
	log "building orchestrator/$service:$TAG${base:+ on $base}"
	# Classic builder: Debian's Docker CLI has no buildx plugin. Its output (and
	# its warning that it is the legacy builder) is shown only if it fails.
	DOCKER_BUILDKIT=0 docker build --quiet "${args[@]}" "$context" >"$build_log" 2>&1 || {
		cat "$build_log" >&2
		return 1
	}
	log "built orchestrator/$service:$TAG ($(docker image inspect -f '{{.Size}}' "orchestrator/$service:$TAG" |
		awk '{printf "%.0f MB", $1 / 1000 / 1000}')) in $((SECONDS - start)) s"
}

build_all() {
	local services=("$@") base service
	[ ${#services[@]} -gt 0 ] || services=("${ALL_SERVICES[@]}")
	for service in "${services[@]}"; do project_of "$service" >/dev/null; done
	base="$(base_image)"
	for service in "${services[@]}"; do build_one "$service" "$base"; done
}

build_all "$@"
