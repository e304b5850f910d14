#!/bin/bash
# Entrypoint of sqlcourse/mariadb:11.8-offline (installed as
# /usr/local/bin/docker-entrypoint.sh). Same interface as the official
# mariadb:11.8 image:
#
#   MARIADB_ROOT_PASSWORD / MYSQL_ROOT_PASSWORD   (and *_FILE)
#   MARIADB_ROOT_PASSWORD_HASH
#   MARIADB_ALLOW_EMPTY_ROOT_PASSWORD / MYSQL_ALLOW_EMPTY_PASSWORD
#   MARIADB_RANDOM_ROOT_PASSWORD / MYSQL_RANDOM_ROOT_PASSWORD (printed once)
#   MARIADB_ROOT_HOST (default %), MARIADB_DATABASE, MARIADB_USER, MARIADB_PASSWORD
#   /docker-entrypoint-initdb.d/*.sql, *.sql.gz, *.sh  (first start only)
#   config: /etc/mysql/conf.d/*.cnf (read last, wins), data: /var/lib/mysql
#
# First start is fast: the system tables, the root accounts and MARIADB_DATABASE/
# MARIADB_USER are created inside the single `mariadb-install-db` bootstrap run
# (~0.5 s); initdb *.sql files are fed to the real server with --init-file on
# its first start only. Only *.sh init scripts need a temporary server.
# The server is exec'ed (PID 1) so SIGTERM / `docker stop` shut it down cleanly.
set -eo pipefail
shopt -s nullglob

INITDB_DIR=/docker-entrypoint-initdb.d
INIT_FILE=/run/mysqld/sqlcourse-initdb.sql
EATMYDATA=
for f in /usr/lib/*/libeatmydata.so.1; do EATMYDATA="$f"; done

_log() {
	local type="$1"; shift
	printf '%s [%s] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$type" "$*"
}
note() { _log Note "$@"; }
warn() { _log Warn "$@" >&2; }
error() { _log ERROR "$@" >&2; exit 1; }

# getenv SUFFIX: value of MARIADB_SUFFIX, MARIADB_SUFFIX_FILE, MYSQL_SUFFIX or
# MYSQL_SUFFIX_FILE (first one set wins). As in the official image, a variable
# and its *_FILE twin are exclusive.
getenv() {
	local v f
	for v in "MARIADB_$1" "MYSQL_$1"; do
		f="${v}_FILE"
		if [ -n "${!v:-}" ] && [ -n "${!f:-}" ]; then
			error "Both $v and $f are set (but are exclusive)"
		fi
		if [ -n "${!v:-}" ]; then printf '%s' "${!v}"; return 0; fi
		if [ -n "${!f:-}" ]; then
			[ -r "${!f}" ] || error "$f=${!f}: file not readable"
			printf '%s' "$(<"${!f}")"; return 0
		fi
	done
	return 0
}

# SQL string literal / identifier escaping.
sql_str() { local s="${1//\\/\\\\}"; s="${s//\'/\\\'}"; printf "'%s'" "$s"; }
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }

now() { printf '%s' "${EPOCHREALTIME:-$(date +%s.%N)}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# `docker run IMAGE --some-option` means `mariadbd --some-option`.
if [ "${1:0:1}" = '-' ]; then
	set -- mariadbd "$@"
fi
case "$1" in
	mariadbd|mysqld|/usr/sbin/mariadbd|/usr/sbin/mysqld) ;;
	*) exec "$@" ;; # e.g. `docker run --rm IMAGE mariadb -h master ...`
esac
shift
ARGS=("$@")
for a in "${ARGS[@]}"; do
	case "$a" in
		-'?'|--help|-V|--version) exec mariadbd "${ARGS[@]}" ;;
	esac
done

# Until mariadbd is exec'ed, bash is PID 1 and would ignore SIGTERM, so a
# `docker stop` during initialisation would wait for the 10 s SIGKILL. Handle
# it: stop (after the running command), and leave an uninitialised datadir
# behind rather than a half-initialised one.
INIT_WAS_EMPTY=0
on_stop() {
	warn "received a stop signal during initialization; exiting"
	[ -n "${TEMP_SERVER_PID:-}" ] && kill -TERM "$TEMP_SERVER_PID" 2>/dev/null && wait "$TEMP_SERVER_PID" 2>/dev/null
	if [ "$INIT_WAS_EMPTY" = 1 ] && [ -n "${DATADIR:-}" ]; then
		find "$DATADIR" -mindepth 1 -delete 2>/dev/null || true
	fi
	exit 143
}
trap on_stop TERM INT

note "Entrypoint script for MariaDB Server $(cat /etc/sqlcourse-mariadb-version 2>/dev/null || echo 11.8) started."

# Where is the data directory / socket? Option files first, command line last.
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
while IFS= read -r opt; do
	case "$opt" in
		--datadir=*) DATADIR="${opt#*=}" ;;
		--socket=*) SOCKET="${opt#*=}" ;;
	esac
done < <(my_print_defaults --mariadbd 2>/dev/null || true; printf '%s\n' "${ARGS[@]}")
DATADIR="${DATADIR%/}"

USER_ARG=()
if [ "$(id -u)" = 0 ]; then
	USER_ARG=(--user=mysql)
	mkdir -p /run/mysqld "$DATADIR"
	chown mysql:mysql /run/mysqld
	find "$DATADIR" \! -user mysql -exec chown mysql:mysql '{}' + 2>/dev/null || true
fi
rm -f "$INIT_FILE"

EXTRA_ARGS=()

# Runs the initdb.d files through a temporary, socket-only server (needed only
# when there are *.sh scripts, which expect a running server).
docker_process_sql() {
	mariadb --protocol=socket --socket="$SOCKET" -uroot ${MARIADB_DATABASE:+--database="$MARIADB_DATABASE"} "$@"
}
initdb_with_temp_server() {
	local f pid i
	note "Starting temporary server for $INITDB_DIR scripts"
	mariadbd "${USER_ARG[@]}" "${ARGS[@]}" --skip-networking --socket="$SOCKET" \
		--skip-slave-start --loose-innodb-buffer-pool-load-at-startup=0 \
		--loose-innodb-buffer-pool-dump-at-shutdown=0 &
	pid=$!
	TEMP_SERVER_PID=$pid
	export MYSQL_PWD="$ROOT_PASSWORD"
	for i in $(seq 1 600); do
		if mariadb --protocol=socket --socket="$SOCKET" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
			break
		fi
		kill -0 "$pid" 2>/dev/null || error "temporary server failed to start"
		[ "$i" -lt 600 ] || error "temporary server did not answer within 60 s"
		sleep 0.1
	done
	for f in "${INITDB_FILES[@]}"; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then note "$0: running $f"; "$f"
				else note "$0: sourcing $f"; . "$f"; fi ;;
			*.sql) note "$0: running $f"; docker_process_sql <"$f" ;;
			*.sql.gz) note "$0: running $f"; gzip -dc "$f" | docker_process_sql ;;
			*.sql.xz) note "$0: running $f"; xz -dc "$f" | docker_process_sql ;;
			*.sql.zst) note "$0: running $f"; zstd -dc "$f" | docker_process_sql ;;
			*) note "$0: ignoring $f" ;;
		esac
	done
	unset MYSQL_PWD
	note "Stopping temporary server"
	kill -TERM "$pid"
	wait "$pid" || error "temporary server did not shut down cleanly"
	TEMP_SERVER_PID=
}

init_datadir() {
	local hash allow_empty random roothost db user pass ident sqlfile out t0 was_empty=0 f has_sh=0

	ROOT_PASSWORD="$(getenv ROOT_PASSWORD)"
	hash="$(getenv ROOT_PASSWORD_HASH)"
	allow_empty="$(getenv ALLOW_EMPTY_ROOT_PASSWORD)"
	[ -n "$allow_empty" ] || allow_empty="${MYSQL_ALLOW_EMPTY_PASSWORD:-}"
	random="$(getenv RANDOM_ROOT_PASSWORD)"
	roothost="$(getenv ROOT_HOST)"; roothost="${roothost:-%}"
	db="$(getenv DATABASE)"; user="$(getenv USER)"; pass="$(getenv PASSWORD)"

	if [ -z "$ROOT_PASSWORD" ] && [ -z "$hash" ] && [ -z "$allow_empty" ] && [ -z "$random" ]; then
		error $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
	fi
	if [ -z "$ROOT_PASSWORD" ] && [ -z "$hash" ] && [ -n "$random" ]; then
		ROOT_PASSWORD="$(LC_ALL=C tr -dc 'A-Za-z0-9,.:=+_-' </dev/urandom 2>/dev/null | head -c 32 || true)"
		[ "${#ROOT_PASSWORD}" -eq 32 ] || error "could not generate a random root password"
		note "GENERATED ROOT PASSWORD: $ROOT_PASSWORD"
	fi
	if [ -n "$user" ] && [ "$user" = root ]; then
		error "MARIADB_USER=\"root\" is reserved; use MARIADB_ROOT_PASSWORD for root"
	fi
	if [ -n "$user" ] && [ -z "$pass" ]; then
		warn "MARIADB_USER is set but MARIADB_PASSWORD is empty: '$user' gets no password"
	fi

	if [ -n "$hash" ]; then
		ident="IDENTIFIED BY PASSWORD $(sql_str "$hash")"
	else
		ident="IDENTIFIED BY $(sql_str "$ROOT_PASSWORD")"
	fi

	[ -z "$(ls -A "$DATADIR" 2>/dev/null)" ] && was_empty=1
	INIT_WAS_EMPTY="$was_empty"

	# Extra SQL run at the end of the bootstrap (as root, 0600, removed below).
	sqlfile="$(mktemp /run/sqlcourse-bootstrap.XXXXXX 2>/dev/null || mktemp)"
	{
		echo "SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');"
		# Bootstrap runs without grant tables; load them so account statements work.
		echo "FLUSH PRIVILEGES;"
		echo "DROP USER IF EXISTS root@'127.0.0.1', root@'::1';"
		echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\'');"
		echo "ALTER USER root@localhost $ident;"
		if [ "$roothost" != localhost ]; then
			echo "CREATE USER root@$(sql_str "$roothost") $ident;"
			echo "GRANT ALL PRIVILEGES ON *.* TO root@$(sql_str "$roothost") WITH GRANT OPTION;"
		fi
		if [ -n "$db" ]; then
			echo "CREATE DATABASE IF NOT EXISTS $(sql_ident "$db");"
		fi
		if [ -n "$user" ]; then
			echo "CREATE USER $(sql_str "$user")@'%' IDENTIFIED BY $(sql_str "$pass");"
			if [ -n "$db" ]; then
				echo "GRANT ALL ON $(sql_ident "${db//_/\\_}").* TO $(sql_str "$user")@'%';"
			fi
		fi
	} >"$sqlfile"

	# The bootstrap issues ~1000 fdatasync() calls (DDL log, Aria) that are
	# worthless for a brand-new data directory; libeatmydata turns them into
	# no-ops for this one command only (the server itself runs normally).
	# SQLCOURSE_INIT_FSYNC=1 disables the trick.
	local preload=()
	if [ "${SQLCOURSE_INIT_FSYNC:-0}" != 1 ] && [ -n "$EATMYDATA" ]; then
		preload=(env "LD_PRELOAD=$EATMYDATA${LD_PRELOAD:+:$LD_PRELOAD}")
	fi

	note "Initializing database files in $DATADIR"
	t0="$(now)"
	# The caller's mariadbd arguments go first so ours (datadir, no binlog
	# during bootstrap) win.
	if ! out="$("${preload[@]}" mariadb-install-db "${ARGS[@]}" "${USER_ARG[@]}" --datadir="$DATADIR" \
		--rpm --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
		--skip-log-bin --default-time-zone=SYSTEM --enforce-storage-engine= \
		--loose-innodb-buffer-pool-load-at-startup=0 --loose-innodb-buffer-pool-dump-at-shutdown=0 \
		--extra-file="$sqlfile" 2>&1)"; then
		rm -f "$sqlfile"
		# Keep MariaDB's own error lines (e.g. "unknown variable ..."), drop the
		# long generic advice that follows them.
		printf '%s\n' "$out" | sed -e '/^Installation of system tables failed/,$d' -e '/^$/d' >&2
		if [ "$was_empty" = 1 ]; then
			find "$DATADIR" -mindepth 1 -delete 2>/dev/null || true
		fi
		error "mariadb-install-db failed (see the lines above); the data directory was left uninitialized"
	fi
	rm -f "$sqlfile"
	if [ "${#USER_ARG[@]}" -gt 0 ]; then
		chown -R mysql:mysql "$DATADIR"
	fi
	note "Database files initialized in $(elapsed "$t0") s (root@localhost$([ "$roothost" != localhost ] && printf ", root@'%s'" "$roothost")${user:+, $user@'%'}${db:+, database $db})"

	INITDB_FILES=("$INITDB_DIR"/*)
	for f in "${INITDB_FILES[@]}"; do
		case "$f" in *.sh) has_sh=1 ;; esac
	done
	if [ "${#INITDB_FILES[@]}" -eq 0 ]; then
		:
	elif [ "$has_sh" = 1 ]; then
		if [ -n "$hash" ] && [ -z "$ROOT_PASSWORD" ]; then
			warn "$INITDB_DIR has *.sh scripts but only a root password hash is known; client logins in them may fail"
		fi
		initdb_with_temp_server
	else
		# SQL only: hand it to the real server's first start via --init-file.
		{
			if [ -n "$db" ]; then echo "USE $(sql_ident "$db");"; fi
			for f in "${INITDB_FILES[@]}"; do
				case "$f" in
					*.sql) note "$0: $f will run via --init-file" >&2; cat "$f"; echo ;;
					*.sql.gz) note "$0: $f will run via --init-file" >&2; gzip -dc "$f"; echo ;;
					*.sql.xz) note "$0: $f will run via --init-file" >&2; xz -dc "$f"; echo ;;
					*.sql.zst) note "$0: $f will run via --init-file" >&2; zstd -dc "$f"; echo ;;
					*) note "$0: ignoring $f" >&2 ;;
				esac
			done
		} >"$INIT_FILE"
		[ "${#USER_ARG[@]}" -eq 0 ] || chown mysql:mysql "$INIT_FILE"
		chmod 600 "$INIT_FILE"
		EXTRA_ARGS+=("--init-file=$INIT_FILE")
	fi
	INIT_WAS_EMPTY=0
	note "MariaDB init process done. Ready for start up."
}

if [ ! -d "$DATADIR/mysql" ]; then
	init_datadir
else
	note "Existing data directory $DATADIR: skipping initialization"
fi

# As the official image does: the server never inherits a password variable,
# so none shows in its process environment.
for v in ROOT_PASSWORD ROOT_PASSWORD_HASH PASSWORD PASSWORD_HASH ROOT_HOST; do
	unset "MARIADB_$v" "MARIADB_${v}_FILE" "MYSQL_$v" "MYSQL_${v}_FILE"
done
unset MYSQL_ALLOW_EMPTY_PASSWORD MARIADB_ALLOW_EMPTY_ROOT_PASSWORD

trap - TERM INT
exec mariadbd "${USER_ARG[@]}" "${ARGS[@]}" "${EXTRA_ARGS[@]}"
