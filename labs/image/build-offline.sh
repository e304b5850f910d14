#!/usr/bin/env bash
# Build the offline MariaDB image `sqlcourse/mariadb:11.8-offline` from Debian 13
# (trixie) packages, without any image registry: debootstrap a minimal trixie
# tree with mariadb-server + mariadb-client, trim it, configure it like the
# official `mariadb:11.8` image and `docker import` it.
#
# Usage: labs/image/build-offline.sh [--force]
#   --force   rebuild even if the image already exists
#
# Environment:
#   OFFLINE_IMAGE     image tag            (default sqlcourse/mariadb:11.8-offline)
#   DEBIAN_MIRROR     Debian mirror URL    (default http://deb.debian.org/debian)
#   DEBIAN_SUITE      Debian suite         (default trixie)
#
# Needs root (debootstrap, chroot) and a Docker daemon. Takes 1-3 minutes.
set -euo pipefail

IMAGE="${OFFLINE_IMAGE:-sqlcourse/mariadb:11.8-offline}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${DEBIAN_SUITE:-trixie}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FORCE=0

for arg in "$@"; do
	case "$arg" in
		--force) FORCE=1 ;;
		-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
		*) echo "build-offline.sh: unknown argument: $arg" >&2; exit 2 ;;
	esac
done

log() { printf '[build-offline] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker is not installed"

# Fast path: CI and the tests call this every time.
if [ "$FORCE" -eq 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
	log "image $IMAGE already exists; nothing to do (use --force to rebuild)"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap/chroot)"
[ -f "$HERE/docker-entrypoint.sh" ] || die "missing $HERE/docker-entrypoint.sh"

START=$(date +%s)

# --- host tools ---------------------------------------------------------------
APT_UPDATED=0
apt_install() {
	if [ "$APT_UPDATED" -eq 0 ]; then
		log "apt-get update"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		APT_UPDATED=1
	fi
	log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

if ! command -v debootstrap >/dev/null 2>&1; then
	apt_install debootstrap
fi
# Old debootstrap releases may not know the suite name yet; trixie uses the
# same script as sid.
if [ ! -e "/usr/share/debootstrap/scripts/$SUITE" ] && [ -e /usr/share/debootstrap/scripts/sid ]; then
	ln -s sid "/usr/share/debootstrap/scripts/$SUITE"
fi

# Release signatures: the host is bookworm; its debian-archive-keyring
# (2023.3+deb12u1 and later) already ships the trixie keys. If they are missing,
# upgrading the package from the (reachable) Debian mirror brings them.
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
if [ ! -e "/usr/share/keyrings/debian-archive-$SUITE-stable.gpg" ] && [ ! -e "/usr/share/keyrings/debian-archive-$SUITE-automatic.gpg" ]; then
	apt_install debian-archive-keyring || true
fi
GPG_OPTS=(--keyring="$KEYRING")
if [ ! -e "/usr/share/keyrings/debian-archive-$SUITE-automatic.gpg" ]; then
	# Last resort only: we could not obtain the suite's archive keys, so the
	# Release file cannot be verified. Packages are still checked against the
	# (unverified) Release/Packages checksums.
	log "WARNING: no archive key for $SUITE in $KEYRING; falling back to --no-check-gpg"
	GPG_OPTS=(--no-check-gpg)
fi

# --- debootstrap ---------------------------------------------------------------
WORK="$(mktemp -d /var/tmp/sqlcourse-mariadb.XXXXXX)"
ROOT="$WORK/rootfs"

cleanup() {
	local m
	# debootstrap mounts /proc and /sys inside the target; never rm -rf across
	# a live mount.
	if [ -d "$ROOT" ]; then
		for m in $(awk -v r="$ROOT" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
			umount -l "$m" 2>/dev/null || true
		done
	fi
	rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

# libeatmydata1: the entrypoint LD_PRELOADs it for the one-off
# mariadb-install-db run only (the bootstrap does ~1000 fdatasync calls, which
# made first start take 2-4 s on a busy disk instead of ~0.5 s).
PACKAGES=mariadb-server,mariadb-client,libeatmydata1
log "debootstrap $SUITE ($PACKAGES) from $MIRROR into $ROOT"
T0=$(date +%s)
if ! debootstrap --variant=minbase "${GPG_OPTS[@]}" --include="$PACKAGES" \
	"$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
	tail -n 30 "$WORK/debootstrap.log" >&2
	[ -f "$ROOT/debootstrap/debootstrap.log" ] && tail -n 30 "$ROOT/debootstrap/debootstrap.log" >&2
	die "debootstrap failed"
fi
log "debootstrap done in $(( $(date +%s) - T0 ))s"

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

MARIADB_VERSION="$(in_root dpkg-query -W -f='${Version}' mariadb-server)"
log "mariadb-server $MARIADB_VERSION"
SIZE_BEFORE="$(du -sm --one-file-system "$ROOT" | cut -f1)"

# The official image's mysql user is 999:999; Debian's postinst picked the next
# free system ids. Match the official ones so bind-mounted data/config dirs
# behave the same with either image.
OLD_UID="$(in_root id -u mysql)"; OLD_GID="$(in_root id -g mysql)"
if [ "$OLD_UID" != 999 ] || [ "$OLD_GID" != 999 ]; then
	if in_root getent passwd 999 >/dev/null || in_root getent group 999 >/dev/null; then
		log "WARNING: uid/gid 999 already taken in the tree; keeping mysql at $OLD_UID:$OLD_GID"
	else
		in_root groupmod -g 999 mysql
		in_root usermod -u 999 -g 999 mysql
		in_root find / -xdev -uid "$OLD_UID" -exec chown -h 999 '{}' +
		in_root find / -xdev -gid "$OLD_GID" -exec chgrp -h 999 '{}' +
		log "mysql user: $OLD_UID:$OLD_GID -> 999:999"
	fi
fi

# --- trim ------------------------------------------------------------------------
# Keep maintainer scripts from trying to start services while we purge.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"

# Hard dependencies of mariadb-server that only Galera SST and the Perl helper
# scripts (mariadb-hotcopy, mytop, mariadb-report, ...) use. The server, the
# clients, mariadb-install-db (a sh script) and the entrypoint do not need them.
# --force-depends leaves dpkg's dependency state "broken" for these; the image
# is not meant to be apt-upgraded.
PURGE=()
for p in galera-4 socat rsync lsof libdbi-perl libdbd-mariadb-perl libdbd-mysql-perl \
	libconfig-inifiles-perl libterm-readkey-perl libhtml-template-perl \
	perl libperl5.40 perl-modules-5.40; do
	if in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		PURGE+=("$p")
	fi
done
# Any other perl-modules-*/libperl* version (future point releases).
while read -r p; do
	case " ${PURGE[*]} " in *" $p "*) ;; *) PURGE+=("$p") ;; esac
done < <(in_root dpkg-query -W -f='${Package} ${Status}\n' 'perl-modules-*' 'libperl5*' 2>/dev/null | awk '/install ok installed/ { print $1 }')
if [ "${#PURGE[@]}" -gt 0 ]; then
	log "purging ${PURGE[*]}"
	in_root dpkg --purge --force-depends --force-remove-essential "${PURGE[@]}" >"$WORK/purge.log" 2>&1 \
		|| { cat "$WORK/purge.log" >&2; die "dpkg --purge failed"; }
fi

# Debug / benchmark / offline-repair tools nobody in the course uses
# (each is a ~5 MB static-ish binary). The usual client tools stay:
# mariadb, mariadb-admin, mariadb-dump, mariadb-binlog, mariadb-check,
# mariadb-show, mariadb-import, mariadb-upgrade, aria_chk, myisamchk,
# innochecksum, my_print_defaults, perror, resolveip.
for f in aria_dump_log aria_ftdump aria_pack aria_read_log myisam_ftdump myisamlog \
	myisampack resolve_stack_dump mariadb-slap mariadb-conv mariadb-plugin \
	mariadbd-safe-helper mariadb-waitpid replace mariadb-tzinfo-to-sql; do
	rm -f "$ROOT/usr/bin/$f" "$ROOT/usr/sbin/$f"
done
# Perl scripts that cannot run any more, and links left dangling.
for f in "$ROOT"/usr/bin/* "$ROOT"/usr/sbin/*; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	if head -c 64 "$f" 2>/dev/null | head -n 1 | grep -q '^#!.*perl'; then
		# debconf/adduser need only perl-base; keep what perl-base can run.
		case "$(basename "$f")" in
			debconf*|dpkg-*|update-rc.d|adduser|addgroup|deluser|delgroup|pam-auth-update|pam_getenv|deb-systemd-*) ;;
			*) rm -f "$f" ;;
		esac
	fi
done
# (evaluated inside the tree: absolute links must resolve there, not on the host)
in_root find /usr/bin /usr/sbin -xtype l -delete

rm -rf "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/usr/share/lintian \
	"$ROOT"/usr/share/linda "$ROOT"/usr/share/doc-base "$ROOT"/usr/share/bug \
	"$ROOT"/usr/share/locale/* "$ROOT"/usr/share/i18n/locales \
	"$ROOT"/usr/share/mariadb/mini-benchmark \
	"$ROOT"/usr/share/perl "$ROOT"/usr/lib/*-linux-gnu*/perl
# Docs: keep only the copyright files.
find "$ROOT/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete 2>/dev/null || true
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
# Perl documentation that perl-base may still carry.
find "$ROOT/usr" -xdev \( -name '*.pod' -o -name '*.pod.gz' \) -delete 2>/dev/null || true
# apt / dpkg caches and logs.
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb \
	"$ROOT"/var/cache/apt/archives/partial/* "$ROOT"/var/cache/debconf/*-old \
	"$ROOT"/var/cache/ldconfig/aux-cache "$ROOT"/var/lib/dpkg/*-old \
	"$ROOT"/var/log/*.log "$ROOT"/var/log/apt/* "$ROOT"/debootstrap \
	"$ROOT"/tmp/* "$ROOT"/var/tmp/* "$ROOT"/root/.bash_history
# Tell dpkg not to bring these back if someone does apt-get install inside.
mkdir -p "$ROOT/etc/dpkg/dpkg.cfg.d"
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/01-sqlcourse-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
rm -f "$ROOT/usr/sbin/policy-rc.d"

# --- configure MariaDB --------------------------------------------------------
# The package's postinst initialised /var/lib/mysql; the entrypoint does that
# at first start instead (like the official image).
rm -rf "$ROOT"/var/lib/mysql/* "$ROOT"/var/lib/mysql/.[!.]* "$ROOT"/var/log/mysql/*
mkdir -p "$ROOT/var/lib/mysql" "$ROOT/run/mysqld" "$ROOT/docker-entrypoint-initdb.d"
in_root chown mysql:mysql /var/lib/mysql /run/mysqld
chmod 755 "$ROOT/var/lib/mysql"
chmod 1777 "$ROOT/run/mysqld" # like the official image: works under --user too

# Debian's /etc/mysql/mariadb.cnf includes conf.d BEFORE mariadb.conf.d, which
# would let the image's own settings override the learner's. Reverse it: image
# defaults first, then /etc/mysql/conf.d (bind-mounted by the labs) so the
# learner always has the last word.
cat >"$ROOT/etc/mysql/mariadb.cnf" <<'EOF'
# sqlcourse offline image: MariaDB option files.
#
# Read order (later wins):
#   1. /etc/mysql/mariadb.conf.d/*.cnf   image defaults
#   2. /etc/mysql/conf.d/*.cnf           YOUR settings (the labs mount this)
#   3. ~/.my.cnf
[client-server]
socket = /run/mysqld/mysqld.sock
port   = 3306

!includedir /etc/mysql/mariadb.conf.d/
!includedir /etc/mysql/conf.d/
EOF
# /etc/mysql/my.cnf -> /etc/alternatives/my.cnf -> /etc/mysql/mariadb.cnf
ln -sfn /etc/mysql/mariadb.cnf "$ROOT/etc/alternatives/my.cnf"

# Debian's server defaults bind to 127.0.0.1 and set expire_logs_days; the
# galera/mysqld_safe files are irrelevant. Replace them with the image config.
rm -f "$ROOT"/etc/mysql/mariadb.conf.d/50-server.cnf \
	"$ROOT"/etc/mysql/mariadb.conf.d/50-mysqld_safe.cnf \
	"$ROOT"/etc/mysql/mariadb.conf.d/60-galera.cnf
cat >"$ROOT/etc/mysql/mariadb.conf.d/05-sqlcourse-docker.cnf" <<'EOF'
# sqlcourse offline image defaults (like the official mariadb image).
# Deliberately NO server-id and NO log-bin here: MariaDB's defaults apply
# (server_id=1, binary log OFF) unless /etc/mysql/conf.d/*.cnf sets them.
[mariadbd]
bind-address     = 0.0.0.0
skip-name-resolve
host-cache-size  = 0
pid-file         = /run/mysqld/mysqld.pid
socket           = /run/mysqld/mysqld.sock
datadir          = /var/lib/mysql
# Pre-generated per image build (see build-offline.sh): avoids generating an
# ephemeral RSA certificate at every start.
ssl-cert         = /etc/mysql/ssl/server-cert.pem
ssl-key          = /etc/mysql/ssl/server-key.pem
# No log-error: errors go to stderr, i.e. `docker logs`.
EOF
# Nothing the image needs may live in /etc/mysql/conf.d (the labs mount over
# it): move mysql-common's client defaults out of the way and leave it empty.
if [ -f "$ROOT/etc/mysql/conf.d/mysqldump.cnf" ]; then
	mv "$ROOT/etc/mysql/conf.d/mysqldump.cnf" "$ROOT/etc/mysql/mariadb.conf.d/40-mysqldump.cnf"
fi
rm -f "$ROOT"/etc/mysql/conf.d/*

# TLS: with no ssl-cert configured, MariaDB 11.4+ generates a throw-away
# self-signed RSA certificate in memory at EVERY start; on a busy 2-CPU box that
# took 1-6 s per start. Generate one per image build instead (a course image,
# not a secret: the key is only as private as the image). Clients and replicas
# still verify it the 11.4+ "zero-configuration" way (password-derived
# fingerprint), exactly as with the generated one. /etc/mysql/conf.d can
# override ssl-cert/ssl-key (or set skip-ssl).
command -v openssl >/dev/null 2>&1 || apt_install openssl
mkdir -p "$ROOT/etc/mysql/ssl"
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -sha256 \
	-subj "/CN=sqlcourse-mariadb-offline" \
	-keyout "$ROOT/etc/mysql/ssl/server-key.pem" -out "$ROOT/etc/mysql/ssl/server-cert.pem" 2>/dev/null
in_root chown root:mysql /etc/mysql/ssl/server-key.pem
chmod 640 "$ROOT/etc/mysql/ssl/server-key.pem"
chmod 644 "$ROOT/etc/mysql/ssl/server-cert.pem"

install -m 0755 "$HERE/docker-entrypoint.sh" "$ROOT/usr/local/bin/docker-entrypoint.sh"
printf '%s\n' "$MARIADB_VERSION" >"$ROOT/etc/sqlcourse-mariadb-version"

# Container hygiene.
: >"$ROOT/etc/hostname"
rm -f "$ROOT/etc/machine-id" "$ROOT/var/lib/dbus/machine-id"
printf 'nameserver 127.0.0.1\n' >"$ROOT/etc/resolv.conf" # docker replaces it

SIZE_AFTER="$(du -sm --one-file-system "$ROOT" | cut -f1)"
log "tree size: ${SIZE_BEFORE} MB before trim, ${SIZE_AFTER} MB after"

# --- import ----------------------------------------------------------------------
log "docker import -> $IMAGE"
tar --numeric-owner --xattrs -C "$ROOT" -c . | docker import \
	--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	--change 'ENV LANG=C.UTF-8' \
	--change 'VOLUME /var/lib/mysql' \
	--change 'EXPOSE 3306' \
	--change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
	--change 'CMD ["mariadbd"]' \
	--change 'LABEL io.sqlcourse.image=mariadb-offline' \
	--change "LABEL io.sqlcourse.mariadb-version=$MARIADB_VERSION" \
	--message "sqlcourse offline MariaDB ($SUITE mariadb-server $MARIADB_VERSION)" \
	- "$IMAGE" >/dev/null

log "built $IMAGE (mariadb-server $MARIADB_VERSION) in $(( $(date +%s) - START ))s"
docker image ls "$IMAGE" >&2
