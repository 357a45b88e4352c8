#!/usr/bin/env bash
# Checks the web UI in a real browser against the whole system: starts the AppHost, then drives Debian's headless
# Chromium against http://localhost:5050. It signs in with the Api's key, sees both nodes on the overview, submits a
# task through the submit form, watches it become Running, reads its logs on its page, stops it with the Stop
# button, then signs in with a read-only key and sees no button that changes anything. It saves screenshots, and
# stops the AppHost and makes sure nothing the run started is left.
#
# Usage (root, Debian 12, .NET 10 SDK): deploy/local/check-web.sh
# Prints one line per check ("[ok] ..." or "[FAIL] ...") and exits 0 only if every check passed. Screenshots and
# logs go to $CHECK_WEB_OUT (default /tmp/orchestrator-check-web).
#
# Installs what it needs if missing, as check-dashboard.sh does (browser-check.sh). Traffic goes to loopback only.
set -euo pipefail

CHECK=check-web
OUT_DIR="${CHECK_WEB_OUT:-/tmp/orchestrator-check-web}"
# Fixed by src/Orchestrator.Web/Properties/launchSettings.json.
WEB=http://localhost:5050
API_KEY="check-web-$RANDOM$RANDOM$RANDOM"
# The gateway's key may only read (Api__ReadOnlyKeys__gateway): the read-only person of this check.
READ_ONLY_KEY="check-web-read-only-$RANDOM$RANDOM$RANDOM"
APPHOST_PARAMETERS="Parameters__gateway-api-key=$READ_ONLY_KEY"
PORTS=(18888 18889 18890 18891 5555 5050)
SCREENSHOTS="$OUT_DIR/overview.png $OUT_DIR/task.png $OUT_DIR/read-only.png"
BROWSER_TIMEOUT=300
source "$(dirname "${BASH_SOURCE[0]}")/browser-check.sh"

main() {
	start_system

	log "driving headless Chromium against the web UI ($WEB)"
	local rc=0
	WEB_URL="$WEB" API_KEY="$API_KEY" READ_ONLY_KEY="$READ_ONLY_KEY" IMAGE="$IMAGE" OUT_DIR="$OUT_DIR" \
		CHROMIUM="$(command -v chromium)" NODE_PATH="$NODE_DIR/node_modules" \
		timeout "$BROWSER_TIMEOUT" node "$HERE/check-web.cjs" 8>&- 2>"$OUT_DIR/browser.log" |
		while IFS= read -r line; do
			# The task the browser submitted, so that cleanup stops it should the browser not have.
			case "$line" in "task "*) echo "${line#task }" >"$OUT_DIR/task-id" ;; *) echo "$CHECK: $line" ;; esac
		done || rc=$? # with pipefail: node's status
	[ ! -s "$OUT_DIR/task-id" ] || TASK_ID="$(cat "$OUT_DIR/task-id")"
	[ "$rc" = 0 ] || FAILED=1
	[ "$rc" != 124 ] || fail "the browser check took over $BROWSER_TIMEOUT s"
	local png
	for png in $SCREENSHOTS; do
		if [ -s "$png" ]; then log "screenshot: $png"; fi
	done
	[ "$FAILED" = 0 ] || exit 1
}

main "$@"
