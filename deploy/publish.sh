#!/usr/bin/env bash
# Publishes one service for linux-x64 as the container images and the systemd
# install run it: self-contained (no .NET runtime needed on the host or in the
# image), trimmed where the framework allows it (TrimMode=partial keeps every
# assembly of ours and of MassTransit, Npgsql and Docker.DotNet whole, since
# they use reflection), with System.Text.Json's reflection left on (trimming
# turns it off by default; MassTransit serializes messages with it),
# culture-invariant, and ReadyToRun: every assembly is compiled ahead of time,
# so a service starts on machine code instead of JIT-compiling MassTransit, EF
# Core and Npgsql first (the JIT still recompiles the hottest methods later).
#
#   deploy/publish.sh SERVICE OUTPUT_DIR
#   SERVICE: worker-agent | api | scheduler | statestore
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

project_of() {
	case "$1" in
	worker-agent) echo src/Orchestrator.WorkerAgent ;;
	api) echo src/Orchestrator.Api ;;
	scheduler) echo src/Orchestrator.Scheduler ;;
	statestore) echo src/Orchestrator.StateStore ;;
	gateway) echo src/Orchestrator.Gateway ;;
	web) echo src/Orchestrator.Web ;;
	*) echo "publish: unknown service '$1' (worker-agent, api, scheduler, statestore, gateway or web)" >&2; return 2 ;;
	esac
}

# The executable a service's publish produces, for the images' entrypoints.
executable_of() {
	basename "$(project_of "$1")"
}

# publish_service SERVICE OUTPUT_DIR
publish_service() {
	local project
	project="$(project_of "$1")"
	rm -rf "$2"
	DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet publish "$REPO/$project" \
		--configuration Release --runtime linux-x64 --self-contained \
		-p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true \
		-p:JsonSerializerIsReflectionEnabledByDefault=true -p:InvariantGlobalization=true \
		-p:PublishReadyToRun=true \
		--output "$2" -nologo -v quiet
}

# Sourced for its functions, or run.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# -eq 2 ] || { echo "usage: $0 SERVICE OUTPUT_DIR" >&2; exit 2; }
	publish_service "$@"
fi
