#!/usr/bin/env bash
# Prepares this machine for local runs and tests of the orchestrator:
#   1. a running Docker engine (Debian's docker.io, started detached);
#   2. the container images the project uses, built locally, because no
#      container registry is reachable from here (never `docker pull`):
#        orchestrator/busybox:latest   tiny workload image for tests
#        orchestrator/debian:bookworm  debootstrapped Debian base
#        orchestrator/postgres:15      official-postgres-compatible PostgreSQL 15
#        orchestrator/rabbitmq:3       official-rabbitmq-compatible RabbitMQ 3.10
#        orchestrator/dotnet-runtime-deps:10.0
#                                      what .NET's runtime-deps image holds, the
#                                      base of the project's own images (deploy/docker)
#   3. Debian's docker-registry (the CNCF distribution registry), which the
#      private-registry tests start on loopback themselves.
# Runs as root, is idempotent and takes seconds when everything is present.
# An image is rebuilt only when it is missing or its recipe (build function
# plus files under images/) changed; the recipe hash is kept in an image label.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGES_DIR="$HERE/images"
# Overridable so a test run can start from an empty cache.
CACHE_DIR="${ORCHESTRATOR_CACHE_DIR:-/var/cache/orchestrator}"
# Pristine debootstrap output, kept so later images start from a copy.
BASE_ROOTFS="$CACHE_DIR/debian-bookworm-rootfs"
# The Debian mirror this machine's apt already uses (deb822 or one-line sources), unless overridden.
host_debian_mirror() {
	{ grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
	  grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'
	} | grep -v security | head -n 1 || true
}
DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(host_debian_mirror)}"
RECIPE_LABEL=org.orchestrator.recipe
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive

log() { echo "prepare: $*"; }
die() { echo "prepare: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# Temp dirs and mounts, undone on any exit (mounts first, so that rm can never
# reach into /proc).
TEMP_DIRS=()
MOUNTS=()
# cleanup [N]: undoes all mounts and removes the temp dirs made after the
# first N (default: all of them).
cleanup() {
	local keep="${1:-0}" i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -l "${MOUNTS[i]}" 2>/dev/null || true
	done
	MOUNTS=()
	for ((i = ${#TEMP_DIRS[@]} - 1; i >= keep; i--)); do
		rm -rf --one-file-system "${TEMP_DIRS[i]}"
		unset 'TEMP_DIRS[i]'
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM # make the EXIT trap run on signals too

# make_temp VAR: creates a temp dir, stores its path in VAR, removes it on exit.
# (Locals here are _prefixed so that they never shadow the caller's VAR.)
make_temp() {
	local _dir
	mkdir -p "$CACHE_DIR"
	# Under the cache dir: same filesystem as the base rootfs, so cp -a is fast.
	_dir="$(mktemp -d "$CACHE_DIR/build.XXXXXX")"
	TEMP_DIRS+=("$_dir")
	printf -v "$1" '%s' "$_dir"
}

# quietly CMD...: runs CMD with its output in a temp file, shown only on failure.
quietly() {
	local _out="$RUN_TMP/output.log" _rc=0
	"$@" >"$_out" 2>&1 || _rc=$?
	if [ "$_rc" != 0 ]; then
		tail -n 30 "$_out" >&2
		die "failed ($_rc): $*"
	fi
}

# ---------------------------------------------------------------------------
# apt on the host: the package lists may be empty on a fresh machine.
APT_UPDATED=
apt_update_once() {
	[ -z "$APT_UPDATED" ] || return 0
	log "apt-get update"
	quietly apt-get update
	APT_UPDATED=1
}

apt_install() {
	apt_update_once
	log "installing $* (apt)"
	quietly apt-get install -y --no-install-recommends "$@"
}

# ---------------------------------------------------------------------------
# 1. Docker engine
docker_up() { docker info >/dev/null 2>&1; }

ensure_docker() {
	if docker_up; then
		log "docker engine is running"
		return
	fi
	if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
		apt_install docker.io
	fi
	# Start one only if none is running (one may still be starting up).
	if ! { [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }; then
		log "starting dockerd (log: /var/log/dockerd.log)"
		# setsid + nohup: the engine must outlive this script and its session.
		# 9>&-: it must not inherit the run lock, or it holds it for its whole life.
		setsid nohup dockerd >/var/log/dockerd.log 2>&1 </dev/null 9>&- &
	fi
	local i
	for ((i = 0; i < 120; i++)); do
		docker_up && { log "docker engine is up"; return; }
		sleep 0.5
	done
	tail -n 20 /var/log/dockerd.log >&2 || true
	die "docker engine did not answer within 60 s"
}

# ---------------------------------------------------------------------------
# 3. The distribution registry. The tests run their own process on a free port
# with a configuration of their own, so the package's service (port 5000) is
# kept from starting while it installs and left disabled: nothing listens
# unless a test asks for it.
ensure_registry() {
	if command -v docker-registry >/dev/null; then
		log "docker-registry is installed"
		return
	fi
	local _policy=/usr/sbin/policy-rc.d _made=
	if [ ! -e "$_policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$_policy"
		chmod 755 "$_policy"
		TEMP_DIRS+=("$_policy") # so that a failed install removes it too
		_made=1
	fi
	apt_install docker-registry
	[ -z "$_made" ] || rm -f "$_policy"
	if [ -d /run/systemd/system ]; then
		systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
	fi
}

# ---------------------------------------------------------------------------
# Image bookkeeping

# recipe_hash BUILD_FN FILE...: what an image is built from, as a short hash.
recipe_hash() {
	local fn="$1"
	shift
	{
		declare -f "$fn"
		[ $# -eq 0 ] || cat "$@"
	} | sha256sum | cut -c1-16
}

image_label() {
	docker image inspect -f "{{index .Config.Labels \"$RECIPE_LABEL\"}}" "$1" 2>/dev/null
}

# ensure_image NAME BUILD_FN FILE...: builds NAME with BUILD_FN NAME HASH
# unless an image of that name built from the same recipe is present.
ensure_image() {
	local name="$1" fn="$2"
	shift 2
	local hash old_id new_id start
	hash="$(recipe_hash "$fn" "$@")"
	if docker image inspect "$name" >/dev/null 2>&1; then
		if [ "$(image_label "$name")" = "$hash" ]; then
			log "image $name is present"
			return
		fi
		log "image $name is out of date; rebuilding"
		old_id="$(docker image inspect -f '{{.Id}}' "$name")"
	fi
	log "building image $name"
	start=$SECONDS
	local temps=${#TEMP_DIRS[@]}
	"$fn" "$name" "$hash"
	cleanup "$temps" # free this build's temp dirs (hundreds of MB) right away
	new_id="$(docker image inspect -f '{{.Id}}' "$name")" || die "build of $name produced no image"
	# Drop the superseded image (fails harmlessly while a container uses it).
	if [ -n "${old_id:-}" ] && [ "$old_id" != "$new_id" ]; then
		docker image rm "$old_id" >/dev/null 2>&1 || true
	fi
	log "built image $name in $((SECONDS - start)) s"
}

# import_rootfs ROOTFS NAME HASH [--change ...]: rootfs dir -> image.
import_rootfs() {
	local root="$1" name="$2" hash="$3"
	shift 3
	tar --numeric-owner -C "$root" -c . |
		docker import --change "LABEL $RECIPE_LABEL=$hash" "$@" - "$name" >/dev/null
}

# build_on_rootfs ROOTFS NAME HASH DIR: imports ROOTFS as a temporary image
# and builds DIR/Dockerfile (metadata, small files) on top of it as NAME.
build_on_rootfs() {
	local root="$1" name="$2" hash="$3" dir="$4"
	local base="$name-rootfs"
	import_rootfs "$root" "$base" "$hash"
	DOCKER_BUILDKIT=0 quietly docker build --build-arg "ROOTFS_IMAGE=$base" \
		--label "$RECIPE_LABEL=$hash" -t "$name" "$dir"
	# Only the tag goes; the layer stays as the parent of NAME.
	docker image rm "$base" >/dev/null
}

# ---------------------------------------------------------------------------
# Debian root filesystems

# The pristine debootstrap output, made once and kept in the cache.
ensure_base_rootfs() {
	[ -d "$BASE_ROOTFS" ] && return
	command -v debootstrap >/dev/null || apt_install debootstrap
	local tmp
	make_temp tmp
	log "debootstrap bookworm (minbase) into $BASE_ROOTFS"
	# With no mirror known, debootstrap falls back to its own default.
	quietly debootstrap --variant=minbase bookworm "$tmp/rootfs" ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"}
	# Drop what debootstrap left behind that no image should carry.
	rm -rf "$tmp/rootfs/var/cache/apt/archives/"*.deb "$tmp/rootfs/var/lib/apt/lists/"*
	# Renamed into place only when complete: an existing dir is always whole.
	mv -T "$tmp/rootfs" "$BASE_ROOTFS"
}

# new_rootfs VAR: a fresh copy of the base rootfs in a temp dir, ready for
# `chroot ROOT apt-get install`: DNS, /proc, no service starts, package lists.
new_rootfs() {
	ensure_base_rootfs
	local _tmp _root
	make_temp _tmp
	_root="$_tmp/rootfs"
	cp -a "$BASE_ROOTFS" "$_root"
	cp /etc/resolv.conf "$_root/etc/resolv.conf"
	# Package scripts must not try to start services inside the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$_root/usr/sbin/policy-rc.d"
	chmod 755 "$_root/usr/sbin/policy-rc.d"
	mount -t proc proc "$_root/proc"
	MOUNTS+=("$_root/proc")
	quietly chroot "$_root" apt-get update
	printf -v "$1" '%s' "$_root"
}

chroot_install() {
	local root="$1"
	shift
	log "installing $* into the image"
	quietly chroot "$root" apt-get install -y --no-install-recommends "$@"
}

# finish_rootfs ROOT: undoes new_rootfs's scaffolding and drops apt caches.
finish_rootfs() {
	local root="$1"
	chroot "$root" apt-get clean
	umount "$root/proc"
	rm -rf "$root/var/lib/apt/lists/"* "$root/usr/sbin/policy-rc.d" \
		"$root/var/log/apt/"* "$root/var/log/dpkg.log"
	# Docker provides its own at run time.
	: >"$root/etc/resolv.conf"
}

# ---------------------------------------------------------------------------
# 2a. orchestrator/busybox:latest
build_busybox() {
	local name="$1" hash="$2" tmp
	make_temp tmp
	apt_update_once
	cd "$tmp"
	quietly apt-get download busybox-static
	cd - >/dev/null
	mkdir "$tmp/context"
	dpkg -x "$tmp"/busybox-static_*.deb "$tmp/context"
	cp "$IMAGES_DIR/busybox/Dockerfile" "$tmp/context/"
	# Classic builder: the Docker CLI here has no buildx plugin.
	DOCKER_BUILDKIT=0 quietly docker build --label "$RECIPE_LABEL=$hash" -t "$name" "$tmp/context"
}

# 2b. orchestrator/debian:bookworm
build_debian() {
	local name="$1" hash="$2"
	ensure_base_rootfs
	import_rootfs "$BASE_ROOTFS" "$name" "$hash" \
		--change "ENV PATH=$DEFAULT_PATH" \
		--change 'ENV LANG=C.UTF-8' \
		--change 'CMD ["/bin/bash"]'
}

# 2c. orchestrator/postgres:15
build_postgres() {
	local name="$1" hash="$2" root
	new_rootfs root
	chroot_install "$root" postgresql-15
	# The package made a default cluster; the entrypoint makes its own in PGDATA.
	rm -rf "$root/etc/postgresql/15/main" "$root/var/lib/postgresql/15/main"
	ln -s usr/local/bin/docker-entrypoint.sh "$root/docker-entrypoint.sh"
	mkdir -p "$root/docker-entrypoint-initdb.d"
	finish_rootfs "$root"
	build_on_rootfs "$root" "$name" "$hash" "$IMAGES_DIR/postgres"
}

# 2d. orchestrator/rabbitmq:3
build_rabbitmq() {
	local name="$1" hash="$2" root
	new_rootfs root
	chroot_install "$root" rabbitmq-server
	quietly chroot "$root" rabbitmq-plugins enable --offline rabbitmq_management
	# Each container makes its own cookie on first start; root (docker exec
	# rabbitmqctl) must use the same one.
	rm -rf "$root/var/lib/rabbitmq/.erlang.cookie" "$root/var/lib/rabbitmq/mnesia" \
		"$root/var/log/rabbitmq/"*
	ln -s /var/lib/rabbitmq/.erlang.cookie "$root/root/.erlang.cookie"
	finish_rootfs "$root"
	build_on_rootfs "$root" "$name" "$hash" "$IMAGES_DIR/rabbitmq"
}

# 2e. orchestrator/dotnet-runtime-deps:10.0: the libraries a self-contained
# .NET app needs (the official runtime-deps image's, less ICU: the project
# publishes culture-invariant), so that deploy/docker can build the project's
# images with no registry.
build_runtime_deps() {
	local name="$1" hash="$2" root
	new_rootfs root
	chroot_install "$root" ca-certificates libc6 libgcc-s1 libssl3 libstdc++6 tzdata zlib1g
	finish_rootfs "$root"
	import_rootfs "$root" "$name" "$hash" \
		--change "ENV PATH=$DEFAULT_PATH" \
		--change 'ENV LANG=C.UTF-8' \
		--change 'CMD ["/bin/bash"]'
}

# ---------------------------------------------------------------------------
main() {
	[ "$(id -u)" = 0 ] || die "must run as root"
	local start=$SECONDS
	# One run at a time (developers and CI may share a machine).
	mkdir -p "$CACHE_DIR"
	# (Not prepare.lock: a dockerd started by an earlier version of this script
	# inherited that one and holds it until the engine stops.)
	exec 9>"$CACHE_DIR/prepare.run.lock"
	flock -n 9 || {
		log "waiting for another prepare.sh run (at most 15 minutes)"
		flock -w 900 9 || die "another prepare.sh run has held $CACHE_DIR/prepare.run.lock for 15 minutes"
	}
	make_temp RUN_TMP # scratch space for this run (command output)
	ensure_docker
	ensure_registry
	ensure_image orchestrator/busybox:latest build_busybox "$IMAGES_DIR/busybox/"*
	ensure_image orchestrator/debian:bookworm build_debian
	ensure_image orchestrator/postgres:15 build_postgres "$IMAGES_DIR/postgres/"*
	ensure_image orchestrator/rabbitmq:3 build_rabbitmq "$IMAGES_DIR/rabbitmq/"*
	ensure_image orchestrator/dotnet-runtime-deps:10.0 build_runtime_deps
	log "done in $((SECONDS - start)) s"
}

main "$@"
