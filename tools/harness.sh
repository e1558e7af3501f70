#!/usr/bin/env bash
# Development harness of partner_idic: `make demo`, `make test`, `make lint`
# and `make stop` call this script.  It needs an importable Odoo 19.0 (see the
# README, section "Requirements") and keeps everything it creates under .run/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/.run"
MODULE=partner_idic
PYTHON="${PYTHON:-python3}"
DEMO_DB="${DEMO_DB:-partner_idic_demo}"
DEMO_PORT="${DEMO_PORT:-8069}"

say() { printf '%s\n' "[$MODULE] $*" >&2; }
die() { printf '%s\n' "[$MODULE] ERROR: $*" >&2; exit 1; }

require_odoo() {
    local version
    if ! version="$("$PYTHON" -c 'import odoo.release as r; print("%s.%s" % r.version_info[:2])' 2>/dev/null)"; then
        die "Odoo is not importable by '$PYTHON' (python3 -c 'import odoo' fails). Install Odoo 19.0 first: see README.md, section \"Requirements\"."
    fi
    if [ "$version" != "19.0" ]; then
        die "'$PYTHON' imports Odoo $version, but $MODULE needs Odoo 19.0: see README.md, section \"Requirements\"."
    fi
}

pip_install() {
    local args=(--quiet --disable-pip-version-check --root-user-action=ignore)
    local site
    site="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    if [ ! -w "$site" ]; then
        args+=(--user)
    fi
    "$PYTHON" -m pip install "${args[@]}" "$@"
}

install_requirements() {
    # The OCA add-ons pull "odoo" from PyPI as a dependency, which is never
    # wanted here: Odoo is already importable, so install without dependencies.
    say "installing the Python packages of requirements.txt"
    pip_install --no-deps -r "$ROOT/requirements.txt"
    if [ "${1:-}" = dev ]; then
        say "installing the development tools of requirements-dev.txt"
        pip_install -r "$ROOT/requirements-dev.txt"
    fi
}

# --------------------------------------------------------------------------
# Addons path: the module must be found under the name partner_idic.
# --------------------------------------------------------------------------
addons_dir() {
    if [ "$(basename "$ROOT")" = "$MODULE" ]; then
        dirname "$ROOT"
    else
        # The link lives outside the checkout: inside it, Odoo's translation
        # export would walk back into the checkout through it, endlessly.
        local dir
        dir="${TMPDIR:-/tmp}/$MODULE-addons-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
        mkdir -p "$dir"
        ln -sfn "$ROOT" "$dir/$MODULE"
        rm -rf "$RUN/addons"
        echo "$dir"
    fi
}

# --------------------------------------------------------------------------
# PostgreSQL: an external server (PGHOST/PGPORT/PGUSER) or a private cluster.
# --------------------------------------------------------------------------
PG_PRIVATE=0
PG_STARTED_HERE=0

pg_bindir() {
    local dir
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] || die "no PostgreSQL server binaries (initdb, pg_ctl) found: install PostgreSQL 13+ or set PGHOST/PGPORT/PGUSER (README.md, \"Requirements\")."
    echo "$dir"
}

as_pg() {
    # PostgreSQL refuses to run as root: run the private server as 'postgres'
    # (or 'nobody' when that account does not exist).
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

free_port() {
    "$PYTHON" - "$@" <<'PY'
import socket, sys
preferred = [int(p) for p in sys.argv[1:] if p]
for port in preferred + [0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(s.getsockname()[1])
    s.close()
    break
PY
}

pg_setup() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        DB_HOST="${PGHOST:-127.0.0.1}"
        DB_PORT="${PGPORT:-5432}"
        DB_USER="${PGUSER:-$(id -un)}"
        DB_PASSWORD="${PGPASSWORD:-}"
        say "using the PostgreSQL server at $DB_HOST:$DB_PORT as $DB_USER"
        return
    fi
    PG_PRIVATE=1
    PG_BIN="$(pg_bindir)"
    PG_OS_USER=postgres
    if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
        PG_OS_USER=nobody
    fi
    DB_HOST=127.0.0.1
    DB_USER=odoo
    DB_PASSWORD=
    mkdir -p "$RUN"
    PGDATA_DIR="$RUN/pg"
    if [ "$(id -u)" = 0 ] && [ ! -e "$PGDATA_DIR" ]; then
        # The server user must be able to reach the data folder; a checkout
        # below a private (0700) folder is not reachable, so keep the cluster
        # in /var/tmp then and link it here.
        if ! runuser -u "$PG_OS_USER" -- test -x "$RUN"; then
            local key
            key="$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
            mkdir -p "/var/tmp/$MODULE-pg-$key"
            ln -sfn "/var/tmp/$MODULE-pg-$key" "$PGDATA_DIR"
        fi
    fi
    if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
        say "creating a private PostgreSQL cluster in $PGDATA_DIR"
        mkdir -p "$PGDATA_DIR"
        [ "$(id -u)" = 0 ] && chown "$PG_OS_USER" "$(readlink -f "$PGDATA_DIR")"
        chmod 700 "$(readlink -f "$PGDATA_DIR")"
        as_pg "$PG_BIN/initdb" -D "$(readlink -f "$PGDATA_DIR")" -U "$DB_USER" --auth=trust -E UTF8 --locale=C >"$RUN/initdb.log" 2>&1 \
            || die "initdb failed, see $RUN/initdb.log"
    fi
    PGDATA_DIR="$(readlink -f "$PGDATA_DIR")"
    if as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        DB_PORT="$(cat "$RUN/pgport")"
    else
        DB_PORT="$(free_port "$(cat "$RUN/pgport" 2>/dev/null || echo 54329)")"
        echo "$DB_PORT" >"$RUN/pgport"
        # The server writes its log in its own folder (the server user may
        # not be able to write in .run/); .run/pg.log links to it.
        ln -sfn "$PGDATA_DIR/server.log" "$RUN/pg.log"
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
            -o "-p $DB_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null || die "PostgreSQL did not start, see $RUN/pg.log"
        PG_STARTED_HERE=1
        say "private PostgreSQL listening on 127.0.0.1:$DB_PORT"
    fi
}

pg_stop() {
    local bin
    local data
    data="$(readlink -f "$RUN/pg" 2>/dev/null || true)"
    [ -n "$data" ] && [ -s "$data/PG_VERSION" ] || return 0
    bin="$(pg_bindir)"
    PG_OS_USER=postgres
    if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
        PG_OS_USER=nobody
    fi
    if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        say "private PostgreSQL stopped"
    fi
}

psql_run() {
    PGPASSWORD="${PGPASSWORD:-}" "$PG_CLIENT_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
        -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$@"
}

db_exists() {
    [ "$(psql_run -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

write_config() {
    # $1: config file, $2: http port
    local file="$1" port="$2"
    mkdir -p "$RUN/data"
    cat >"$file" <<CFG
[options]
addons_path = $ADDONS
data_dir = $RUN/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
${DB_PASSWORD:+db_password = $DB_PASSWORD}
admin_passwd = admin
http_interface = 127.0.0.1
http_port = $port
list_db = True
max_cron_threads = 0
without_demo = False
CFG
}

prepare() {
    require_odoo
    ADDONS="$(addons_dir)"
    pg_setup
    if command -v psql >/dev/null 2>&1; then
        PG_CLIENT_BIN="$(dirname "$(command -v psql)")"
    else
        PG_CLIENT_BIN="$(pg_bindir)"
    fi
}

# --------------------------------------------------------------------------
# make demo / make stop
# --------------------------------------------------------------------------
odoo_running() {
    [ -s "$RUN/odoo.pid" ] && kill -0 "$(cat "$RUN/odoo.pid")" 2>/dev/null
}

cmd_demo() {
    require_odoo
    install_requirements
    prepare
    local cfg="$RUN/demo.conf"
    write_config "$cfg" "$DEMO_PORT"
    if odoo_running; then
        say "Odoo is already running (pid $(cat "$RUN/odoo.pid")): http://127.0.0.1:$DEMO_PORT"
        return
    fi
    if db_exists "$DEMO_DB"; then
        : >"$RUN/demo-install.log"
    say "reusing the database $DEMO_DB (upgrading $MODULE to the code of this checkout)"
        if ! "$PYTHON" -m odoo -c "$cfg" -d "$DEMO_DB" -u "$MODULE" --stop-after-init --no-http \
                --logfile "$RUN/demo-install.log"; then
            die "upgrading $MODULE failed, see $RUN/demo-install.log"
        fi
    else
        say "creating the database $DEMO_DB with $MODULE and its demo data (a few minutes)"
        if ! "$PYTHON" -m odoo -c "$cfg" -d "$DEMO_DB" -i "$MODULE" --with-demo --stop-after-init --no-http \
                --logfile "$RUN/demo-install.log"; then
            die "installing $MODULE failed, see $RUN/demo-install.log"
        fi
        # Created by a clean run only: a half-made database is dropped.
        if grep -qE ' (ERROR|CRITICAL) ' "$RUN/demo-install.log"; then
            psql_run -d postgres -c "DROP DATABASE IF EXISTS \"$DEMO_DB\"" || true
            die "installing $MODULE logged errors, see $RUN/demo-install.log"
        fi
    fi
    if "$PYTHON" - "$DEMO_PORT" <<'PY'
import socket, sys
s = socket.socket()
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) else 1)
PY
    then :; else
        die "port $DEMO_PORT is in use by another program; stop it or run DEMO_PORT=8070 make demo"
    fi
    say "starting Odoo on http://127.0.0.1:$DEMO_PORT"
    nohup "$PYTHON" -m odoo -c "$cfg" -d "$DEMO_DB" --db-filter "^$DEMO_DB\$" --logfile "$RUN/odoo.log" \
        >/dev/null 2>&1 &
    echo $! >"$RUN/odoo.pid"
    local i
    for i in $(seq 1 120); do
        if "$PYTHON" - "$DEMO_PORT" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen("http://127.0.0.1:%s/web/login" % sys.argv[1], timeout=5)
except Exception:
    sys.exit(1)
PY
        then
            say "ready: http://127.0.0.1:$DEMO_PORT  (login admin / password admin; 'make stop' stops it)"
            return
        fi
        odoo_running || die "Odoo stopped during start-up, see $RUN/odoo.log"
        sleep 1
    done
    die "Odoo did not answer on port $DEMO_PORT within 2 minutes, see $RUN/odoo.log"
}

cmd_stop() {
    if odoo_running; then
        local pid
        pid="$(cat "$RUN/odoo.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        kill -9 "$pid" 2>/dev/null || true
        say "Odoo stopped"
    fi
    rm -f "$RUN/odoo.pid"
    if [ -z "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        pg_stop
    fi
}

# --------------------------------------------------------------------------
# make lint
# --------------------------------------------------------------------------
cmd_lint() {
    local rc=0
    cd "$ROOT"
    local files
    mapfile -t files < <(git ls-files '*.py' 2>/dev/null || find . -name '*.py' -not -path './.run/*')
    if ! "$PYTHON" -m ruff --version >/dev/null 2>&1 || ! "$PYTHON" -c 'import pylint_odoo' 2>/dev/null; then
        install_requirements dev
    fi
    say "ruff"
    "$PYTHON" -m ruff check --no-cache . || rc=1
    "$PYTHON" -m ruff format --no-cache --check . || rc=1
    say "pylint-odoo (OCA mandatory checks, valid-odoo-versions=19.0)"
    local addons
    addons="$(addons_dir)"
    (cd "$addons" && "$PYTHON" -m pylint --rcfile="$ROOT/.pylintrc" --score=n "$MODULE") || rc=1
    return $rc
}

# --------------------------------------------------------------------------
# make pot: regenerate i18n/partner_idic.pot from a throwaway database
# --------------------------------------------------------------------------
export_pot() {
    # $1: config, $2: database, $3: output file
    "$PYTHON" -m odoo i18n export -c "$1" -d "$2" -o "$3" "$MODULE" >"$RUN/pot.log" 2>&1
}

pot_differs() {
    # Compares two .pot files, ignoring the creation and revision dates.
    local a b
    a="$(grep -vE '^"(POT-Creation-Date|PO-Revision-Date):' "$1")"
    b="$(grep -vE '^"(POT-Creation-Date|PO-Revision-Date):' "$2" 2>/dev/null || true)"
    [ "$a" != "$b" ]
}

cmd_pot() {
    require_odoo
    install_requirements
    prepare
    local db="${MODULE}_pot_$$" cfg="$RUN/pot.conf"
    write_config "$cfg" "$(free_port 8269)"
    TEST_DB="$db"
    trap 'psql_run -d postgres -c "DROP DATABASE IF EXISTS \"$TEST_DB\"" >/dev/null 2>&1 || true; [ "$PG_STARTED_HERE" = 1 ] && ! odoo_running && pg_stop' EXIT
    "$PYTHON" -m odoo -c "$cfg" -d "$db" -i "$MODULE" --stop-after-init --no-http --logfile "$RUN/pot-install.log" \
        || die "installing $MODULE failed, see $RUN/pot-install.log"
    mkdir -p "$ROOT/i18n"
    export_pot "$cfg" "$db" "$RUN/$MODULE.pot" || die "export failed, see $RUN/pot.log"
    if pot_differs "$RUN/$MODULE.pot" "$ROOT/i18n/$MODULE.pot"; then
        cp "$RUN/$MODULE.pot" "$ROOT/i18n/$MODULE.pot"
        say "i18n/$MODULE.pot updated"
    else
        say "i18n/$MODULE.pot is current"
    fi
}

# --------------------------------------------------------------------------
# make test
# --------------------------------------------------------------------------
cmd_test() {
    local start rc=0
    start="$(date +%s)"
    require_odoo
    install_requirements dev
    prepare
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
        || command -v google-chrome >/dev/null 2>&1 \
        || die "no headless browser found for the tours: install Debian's 'chromium' (README.md, \"Requirements\")."
    "$PYTHON" -c 'import websocket' 2>/dev/null || die "PyPI 'websocket-client' is missing (pip install -r requirements-dev.txt)."

    TEST_DB="${MODULE}_test_$(date +%Y%m%d%H%M%S)_$$"
    local db="$TEST_DB"
    local cfg="$RUN/test.conf"
    write_config "$cfg" "$(free_port 8169)"
    local log="$RUN/test-install.log"
    local install_ok=0 upgrade_ok=0 uninstall_ok=0 lint_ok=0 pot_ok=0
    local tests=0 failures=0 tours=0
    cleanup_test() {
        psql_run -d postgres -c "DROP DATABASE IF EXISTS \"$TEST_DB\"" >/dev/null 2>&1 || true
        if [ "$PG_STARTED_HERE" = 1 ] && ! odoo_running; then
            pg_stop
        fi
    }
    trap cleanup_test EXIT

    say "installing $MODULE with demo data in the fresh database $db"
    if "$PYTHON" -m odoo -c "$cfg" -d "$db" -i "$MODULE" --with-demo --stop-after-init --no-http \
            --logfile "$log" && ! grep -qE ' (ERROR|CRITICAL) ' "$log"; then
        install_ok=1
    else
        say "install FAILED, see $log:"
        grep -E ' (ERROR|CRITICAL) ' "$log" | head -n 20 >&2 || tail -n 30 "$log" >&2
    fi

    if [ "$install_ok" = 1 ]; then
        say "upgrading $MODULE (-u) on the database with demo data"
        if "$PYTHON" -m odoo -c "$cfg" -d "$db" -u "$MODULE" --stop-after-init --no-http \
                --logfile "$RUN/test-upgrade.log" && ! grep -qE ' (ERROR|CRITICAL) ' "$RUN/test-upgrade.log"; then
            upgrade_ok=1
        else
            say "upgrade FAILED, see $RUN/test-upgrade.log:"
            grep -E ' (ERROR|CRITICAL) ' "$RUN/test-upgrade.log" | head -n 20 >&2 || true
        fi

        say "checking that i18n/$MODULE.pot is current"
        if ! export_pot "$cfg" "$db" "$RUN/$MODULE.pot"; then
            say "pot export FAILED, see $RUN/pot.log"
        elif pot_differs "$RUN/$MODULE.pot" "$ROOT/i18n/$MODULE.pot"; then
            say "i18n/$MODULE.pot is out of date: run 'make pot' and commit it"
            diff <(grep -vE '^"(POT|PO-Revision)' "$ROOT/i18n/$MODULE.pot" 2>/dev/null) \
                <(grep -vE '^"(POT|PO-Revision)' "$RUN/$MODULE.pot") | head -n 20 >&2 || true
        else
            pot_ok=1
        fi

        say "running the tests and tours with pytest-odoo"
        rm -f "$RUN/junit.xml"
        (cd "$RUN" && "$PYTHON" -m pytest -p no:cacheprovider -q \
            --odoo-config "$cfg" --odoo-database "$db" --odoo-http \
            --junitxml "$RUN/junit.xml" "$ADDONS/$MODULE/tests") || rc=1
        if [ -s "$RUN/junit.xml" ]; then
            read -r tests failures tours < <("$PYTHON" - "$RUN/junit.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
cases = [c for s in suites for c in s.iter("testcase")]
failed = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
skipped = [c for c in cases if c.find("skipped") is not None]
for case in skipped:
    sys.stderr.write("[partner_idic] SKIPPED (counted as failed): %s\n" % case.get("name"))
tours = [c for c in cases if c.get("name", "").startswith("test_tour")]
print(len(cases), len(failed) + len(skipped), len(tours))
PY
)
        else
            failures=1
        fi
        [ "$tests" -gt 0 ] || { say "no test ran"; failures=$((failures + 1)); }

        say "uninstalling $MODULE: partners, invoices and loyalty cards must stay"
        local check=(env IDIC_CHECK_FILE="$RUN/uninstall-check.json" "$PYTHON" -m odoo shell
            -c "$cfg" -d "$db" --no-http --log-level=warn)
        if ! IDIC_CHECK=before "${check[@]}" <"$ROOT/tools/uninstall_check.py" >"$RUN/test-uninstall.log" 2>&1; then
            say "uninstall FAILED: could not prepare the check data, see $RUN/test-uninstall.log"
            tail -n 20 "$RUN/test-uninstall.log" >&2
        elif ! "$PYTHON" -m odoo module uninstall -c "$cfg" -d "$db" "$MODULE" >>"$RUN/test-uninstall.log" 2>&1 \
                || [ "$(psql_run -d "$db" -c "SELECT state FROM ir_module_module WHERE name = '$MODULE'")" != uninstalled ]; then
            say "uninstall FAILED, see $RUN/test-uninstall.log"
            tail -n 20 "$RUN/test-uninstall.log" >&2
        elif ! IDIC_CHECK=after "${check[@]}" <"$ROOT/tools/uninstall_check.py" >>"$RUN/test-uninstall.log" 2>&1; then
            say "uninstall FAILED: host data changed, see $RUN/test-uninstall.log"
            grep 'uninstall check' "$RUN/test-uninstall.log" >&2 || tail -n 20 "$RUN/test-uninstall.log" >&2
        else
            uninstall_ok=1
        fi
    fi

    say "lint"
    if cmd_lint; then lint_ok=1; fi

    local passed=$((tests - failures))
    [ "$passed" -ge 0 ] || passed=0
    local bad=$failures
    for ok in $install_ok $upgrade_ok $uninstall_ok $lint_ok $pot_ok; do
        [ "$ok" = 1 ] || bad=$((bad + 1))
    done
    word() { [ "$1" = 1 ] && echo ok || echo FAILED; }
    local secs=$(( $(date +%s) - start ))
    echo "install $(word $install_ok), upgrade $(word $upgrade_ok), uninstall $(word $uninstall_ok), pot $(word $pot_ok), lint $(word $lint_ok)"
    echo "summary: $tests tests run ($tours tours), $passed passed, $failures failed; other checks failed: $((bad - failures)); duration $((secs / 60))m$((secs % 60))s"
    [ "$bad" = 0 ] && [ "$rc" = 0 ]
}

# --------------------------------------------------------------------------
# make test-one K=expr: some tests against the demo database
# --------------------------------------------------------------------------
cmd_test_one() {
    local expr="${1:-}"
    [ -n "$expr" ] || die "usage: make test-one K=<pytest -k expression, e.g. test_manager_sees_everything>"
    require_odoo
    prepare
    db_exists "$DEMO_DB" || die "no database $DEMO_DB yet: run 'make demo' first"
    local cfg="$RUN/test-one.conf"
    write_config "$cfg" "$(free_port 8169)"
    say "upgrading $MODULE in $DEMO_DB"
    "$PYTHON" -m odoo -c "$cfg" -d "$DEMO_DB" -u "$MODULE" --stop-after-init --no-http \
        --logfile "$RUN/test-one-upgrade.log" || die "upgrade failed, see $RUN/test-one-upgrade.log"
    cd "$RUN" && "$PYTHON" -m pytest -p no:cacheprovider -q --odoo-config "$cfg" \
        --odoo-database "$DEMO_DB" --odoo-http -k "$expr" "$ADDONS/$MODULE/tests"
}

# --------------------------------------------------------------------------
# make bench: the benchmarks of bench/, on a database of their own
# --------------------------------------------------------------------------
cmd_bench() {
    require_odoo
    install_requirements
    prepare
    local cfg="$RUN/bench.conf" db="${BENCH_DB:-partner_idic_bench}" script
    write_config "$cfg" "$(free_port 8269)"
    if db_exists "$db"; then
        say "upgrading $MODULE in the benchmark database $db"
        "$PYTHON" -m odoo -c "$cfg" -d "$db" -u "$MODULE" --stop-after-init --no-http \
            --logfile "$RUN/bench-install.log" || die "upgrade failed, see $RUN/bench-install.log"
    else
        say "creating the benchmark database $db (no demo data)"
        "$PYTHON" -m odoo -c "$cfg" -d "$db" -i "$MODULE" --stop-after-init --no-http \
            --logfile "$RUN/bench-install.log" || die "install failed, see $RUN/bench-install.log"
    fi
    for script in "$ADDONS/$MODULE"/bench/bench_*.py; do
        say "running bench/$(basename "$script")"
        "$PYTHON" "$script" -c "$cfg" -d "$db" || die "bench/$(basename "$script") failed"
    done
}

case "${1:-}" in
    demo) cmd_demo ;;
    bench) cmd_bench ;;
    stop) cmd_stop ;;
    test) cmd_test ;;
    lint) require_odoo; cmd_lint ;;
    pot) cmd_pot ;;
    test-one) cmd_test_one "${2:-}" ;;
    *) die "usage: $0 demo|test|test-one|bench|lint|pot|stop" ;;
esac
