#!/usr/bin/env bash
# Development harness of partner_idic: `make demo`, `make test`, `make lint`
# and `make stop` call this script.  It needs an importable Odoo 19.0 (see the
# README, section "Requirements") and keeps everything it creates under .run/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${PARTNER_IDIC_RUN:-$ROOT/.run}"
MODULE=partner_idic
PYTHON="${PYTHON:-python3}"
DEMO_DB="${DEMO_DB:-partner_idic_demo}"
DEMO_PORT="${DEMO_PORT:-8069}"

say() { printf '%s\n' "[$MODULE] $*" >&2; }
die() { printf '%s\n' "[$MODULE] ERROR: $*" >&2; exit 1; }

odoo_version_of() {
    "$1" -c 'import odoo.release as r; print("%s.%s" % r.version_info[:2])' 2>/dev/null || true
}

# --------------------------------------------------------------------------
# Odoo 19.0: the $PYTHON's own, or a virtual environment in .run/venv built
# from ODOO_SRC (a source tree, a .tar.gz/.tar.xz archive of one, or a git
# URL / repository with a 19.0 branch).
# --------------------------------------------------------------------------
VENV="$RUN/venv"
ODOO_SRC_DEFAULT="https://github.com/odoo/odoo.git"
ODOO_READY=0
IN_VENV=0
export PARTNER_IDIC_TEST_DATA="$RUN/test-data"

require_odoo() {
    [ "$ODOO_READY" = 1 ] && return
    if [ "${ODOO_BOOTSTRAP:-auto}" != always ] && [ "$(odoo_version_of "$PYTHON")" = 19.0 ]; then
        ODOO_READY=1
        return
    fi
    bootstrap_venv
    PYTHON="$VENV/bin/python"
    IN_VENV=1
    ODOO_READY=1
}

sha_of() { sha256sum "$1" | cut -c1-16; }

odoo_source_key() {
    # Prints "<kind> <location> <identity>" of ODOO_SRC, or stops with why.
    local src="$1" real
    if [ -f "$src" ]; then
        real="$(readlink -f "$src")"
        case "$real" in
            *.tar.gz|*.tgz|*.tar.xz|*.txz|*.tar.bz2|*.tar) echo "archive $real $(sha_of "$real")" ;;
            *) die "ODOO_SRC=$src is a file but not a .tar.gz / .tar.xz archive of the Odoo 19.0 source." ;;
        esac
    elif [ -d "$src" ]; then
        real="$(readlink -f "$src")"
        if [ -f "$real/odoo/release.py" ]; then
            echo "tree $real $(git -C "$real" rev-parse HEAD 2>/dev/null || stat -c %Y "$real/odoo/release.py")-$(sha_of "$real/requirements.txt" 2>/dev/null || echo none)"
        elif git -C "$real" rev-parse --git-dir >/dev/null 2>&1; then
            local head
            head="$(git -C "$real" rev-parse --verify -q 19.0 || git -C "$real" rev-parse --verify -q origin/19.0 || true)"
            [ -n "$head" ] || die "ODOO_SRC=$src is a git repository without a 19.0 branch."
            echo "git $real $head"
        else
            die "ODOO_SRC=$src is neither an Odoo source tree (no odoo/release.py) nor a git repository."
        fi
    else
        case "$src" in
            *://*|git@*) echo "git $src 19.0" ;;
            *) die "ODOO_SRC=$src: no such file or directory (expected an Odoo 19.0 source tree, a .tar.gz / .tar.xz archive of one, or a git URL)." ;;
        esac
    fi
}

fetch_odoo_source() {
    # $1 kind, $2 location: makes $RUN/odoo-src (or uses a tree in place) and
    # sets ODOO_TREE; checks it is Odoo 19.0 before anything else happens.
    local kind="$1" location="$2" tmp="$RUN/odoo-src.new" top
    case "$kind" in
        tree) ODOO_TREE="$location" ;;
        archive)
            rm -rf "$tmp" && mkdir -p "$tmp"
            say "extracting $location (about a minute)"
            tar -xaf "$location" -C "$tmp" || die "could not extract ODOO_SRC=$location"
            # One top folder (odoo-19.0/), or the tree itself.
            top="$tmp"
            [ -f "$top/odoo/release.py" ] || top="$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
            [ -n "$top" ] && [ -f "$top/odoo/release.py" ] \
                || { rm -rf "$tmp"; die "ODOO_SRC=$location does not hold an Odoo source tree (no odoo/release.py)."; }
            "$BOOT_PYTHON" "$ROOT/tools/bootstrap_odoo.py" check-source "$top" || { rm -rf "$tmp"; die "ODOO_SRC=$location is not Odoo 19.0."; }
            rm -rf "$RUN/odoo-src"
            mv "$top" "$RUN/odoo-src"
            rm -rf "$tmp"
            ODOO_TREE="$RUN/odoo-src"
            ;;
        git)
            command -v git >/dev/null 2>&1 || die "git is needed to fetch ODOO_SRC=$location"
            rm -rf "$tmp"
            say "cloning Odoo 19.0 from $location (a few minutes)"
            git clone --depth 1 --branch 19.0 --single-branch --progress "$location" "$tmp" \
                || { rm -rf "$tmp"; die "could not clone the 19.0 branch of ODOO_SRC=$location"; }
            "$BOOT_PYTHON" "$ROOT/tools/bootstrap_odoo.py" check-source "$tmp" || { rm -rf "$tmp"; die "ODOO_SRC=$location is not Odoo 19.0."; }
            rm -rf "$RUN/odoo-src"
            mv "$tmp" "$RUN/odoo-src"
            ODOO_TREE="$RUN/odoo-src"
            ;;
    esac
    "$BOOT_PYTHON" "$ROOT/tools/bootstrap_odoo.py" check-source "$ODOO_TREE" || die "ODOO_SRC=$location is not Odoo 19.0."
}

bootstrap_venv() {
    BOOT_PYTHON="$PYTHON"
    command -v "$BOOT_PYTHON" >/dev/null 2>&1 || die "'$BOOT_PYTHON' not found: set PYTHON to a Python 3.10+ interpreter."
    "$BOOT_PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 10))' \
        || die "'$BOOT_PYTHON' is Python $("$BOOT_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); Odoo 19.0 needs Python 3.10 or later (set PYTHON)."
    local src="${ODOO_SRC:-$ODOO_SRC_DEFAULT}" key kind location
    local stamp="$VENV/.partner_idic-odoo"
    if [ -z "${ODOO_SRC:-}" ] && [ -s "$stamp" ] && [ "$(odoo_version_of "$VENV/bin/python")" = 19.0 ]; then
        return  # set up earlier, from whatever source it was given then
    fi
    key="$(odoo_source_key "$src")" || exit 1
    read -r kind location _ <<<"$key"
    key="$key python=$("$BOOT_PYTHON" -c 'import sys; print(sys.version.split()[0])')"
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ] \
            && [ "$(odoo_version_of "$VENV/bin/python")" = 19.0 ]; then
        return
    fi
    mkdir -p "$RUN"
    say "setting up Odoo 19.0 in the virtual environment $VENV from ODOO_SRC=$src"
    fetch_odoo_source "$kind" "$location"
    if [ -e "$VENV" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$key" ]; then
        say "the Odoo source or Python changed: rebuilding $VENV"
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the virtual environment $VENV"
        "$BOOT_PYTHON" -m venv "$VENV" \
            || die "'$BOOT_PYTHON -m venv' failed (on Debian / Ubuntu: apt-get install python3-venv)"
    fi
    : >"$RUN/bootstrap.log"
    say "installing Odoo's requirements (several minutes the first time; pip caches its downloads)"
    "$VENV/bin/python" "$ROOT/tools/bootstrap_odoo.py" install-requirements "$ODOO_TREE/requirements.txt" "$RUN/bootstrap.log" \
        || die "installing Odoo's requirements failed, see $RUN/bootstrap.log"
    # With its own setup.py dependencies: unpinned names, which the pins above
    # satisfy, except those the pins of this Python leave out.
    say "installing Odoo 19.0 itself from $ODOO_TREE"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
        --config-settings editable_mode=compat -e "$ODOO_TREE" >>"$RUN/bootstrap.log" 2>&1 \
        || die "installing Odoo from $ODOO_TREE failed, see $RUN/bootstrap.log"
    [ "$(odoo_version_of "$VENV/bin/python")" = 19.0 ] || die "Odoo 19.0 is still not importable in $VENV, see $RUN/bootstrap.log"
    rm -f "$RUN"/stamps/reqs-*
    echo "$key" >"$stamp"
    say "Odoo 19.0 is ready in $VENV"
}

pip_install() {
    local args=(--quiet --disable-pip-version-check --root-user-action=ignore)
    local site
    site="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    if [ ! -w "$site" ]; then
        args+=(--user)
    fi
    # (This machine's pip configuration may name local package folders that
    # do not exist: pip warns about each; those warnings are not ours.)
    "$PYTHON" -m pip install "${args[@]}" "$@" 2> >(grep -v "^WARNING: Location 'file:" >&2)
}

install_requirements() {
    # Installs what requirements.txt (and, with "dev", the development and
    # test files) lists, unless this $PYTHON already has this very list.
    local files=("$ROOT/requirements.txt") stamp want
    [ "${1:-}" = dev ] && files+=("$ROOT/requirements-dev.txt" "$ROOT/requirements-test-data.txt")
    mkdir -p "$RUN/stamps"
    stamp="$RUN/stamps/reqs-$(printf '%s' "$PYTHON" | md5sum | cut -c1-8)-${1:-base}"
    want="$(cat "${files[@]}" | sha256sum | cut -c1-16)"
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return
    # The OCA add-ons pull "odoo" from PyPI as a dependency, which is never
    # wanted here: Odoo is already importable, so install without dependencies.
    say "installing the Python packages of requirements.txt"
    pip_install --no-deps -r "$ROOT/requirements.txt"
    if [ "${1:-}" = dev ]; then
        say "installing the development tools of requirements-dev.txt"
        pip_install -r "$ROOT/requirements-dev.txt"
        # Data sets the tests read: their packages' files only, kept apart in
        # .run/test-data (the tests find them through PARTNER_IDIC_TEST_DATA).
        rm -rf "$RUN/test-data"
        "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps --target "$RUN/test-data" \
            -r "$ROOT/requirements-test-data.txt" 2> >(grep -v "^WARNING: Location 'file:" >&2)
    fi
    echo "$want" >"$stamp"
}

# --------------------------------------------------------------------------
# Programs from the system's packages: installed when missing if we can.
# --------------------------------------------------------------------------
apt_install() {
    # $1: what it is for; then Debian packages.  Root with apt-get only.
    local why="$1"
    shift
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's $* ($why)"
        if [ ! -e "$RUN/.apt-updated" ]; then
            apt-get update -qq >/dev/null || die "apt-get update failed"
            mkdir -p "$RUN" && : >"$RUN/.apt-updated"
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
            || die "apt-get install $* failed"
        return 0
    fi
    return 1
}

ensure_browser() {
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
        || command -v google-chrome >/dev/null 2>&1 && return
    apt_install "the test browser of the tours" chromium \
        || die "no headless browser for the tours: run 'sudo apt-get install chromium', then 'make test' again."
}

ensure_pdf_engine() {
    # Odoo prints its PDF reports (points statement, receipts, the printable
    # Overview) with wkhtmltopdf; without it every PDF answers an error.
    command -v wkhtmltopdf >/dev/null 2>&1 && return
    apt_install "the PDF engine of the reports" wkhtmltopdf && return
    if [ "${1:-}" = required ]; then
        die "wkhtmltopdf is missing: run 'sudo apt-get install wkhtmltopdf', then 'make test' again."
    fi
    say "WARNING: wkhtmltopdf is missing: PDF reports cannot be printed (sudo apt-get install wkhtmltopdf)."
}

ensure_rtlcss() {
    # Odoo builds the right-to-left stylesheets (Persian) with rtlcss.
    if [ -x "$RUN/node/node_modules/.bin/rtlcss" ]; then
        export PATH="$RUN/node/node_modules/.bin:$PATH"
    fi
    command -v rtlcss >/dev/null 2>&1 && return
    if ! command -v npm >/dev/null 2>&1; then
        say "WARNING: rtlcss is missing and npm is not installed: the Persian interface will be laid out left to right (install Node.js and npm, then run this again)."
        return
    fi
    if [ "$(id -u)" = 0 ]; then
        say "installing rtlcss with npm (right-to-left layout of the Persian interface)"
        npm install -g --silent --no-audit --no-fund rtlcss >/dev/null 2>&1 || true
    fi
    if ! command -v rtlcss >/dev/null 2>&1; then
        say "installing rtlcss into $RUN/node (right-to-left layout of the Persian interface)"
        mkdir -p "$RUN/node"
        npm install --silent --no-audit --no-fund --prefix "$RUN/node" rtlcss >/dev/null 2>&1 || true
        export PATH="$RUN/node/node_modules/.bin:$PATH"
    fi
    command -v rtlcss >/dev/null 2>&1 \
        || say "WARNING: 'npm install rtlcss' failed: the Persian interface will be laid out left to right."
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
    if [ -z "$dir" ]; then
        # Only the binaries are used: the cluster stays private, in .run/.
        apt_install "the private database server" postgresql >&2 \
            || die "no PostgreSQL server found: run 'sudo apt-get install postgresql' (or set PGHOST/PGPORT/PGUSER to a PostgreSQL 13+ server), then run this again."
        dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
        [ -n "$dir" ] || die "PostgreSQL was installed but its binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql."
    fi
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
    ensure_rtlcss
    ensure_pdf_engine
    prepare
    local cfg="$RUN/demo.conf"
    write_config "$cfg" "$DEMO_PORT"
    if odoo_running; then
        say "Odoo is already running (pid $(cat "$RUN/odoo.pid")): http://127.0.0.1:$DEMO_PORT"
        return
    fi
    if db_exists "$DEMO_DB" \
            && [ "$(psql_run -d "$DEMO_DB" -c "SELECT state FROM ir_module_module WHERE name = '$MODULE'" 2>/dev/null)" != installed ]; then
        # Left by an interrupted or failed first install: made again.
        say "the database $DEMO_DB has no installed $MODULE (an earlier install stopped half-way): dropping it"
        psql_run -d postgres -c "DROP DATABASE IF EXISTS \"$DEMO_DB\" WITH (FORCE)" >/dev/null
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
        # Created by a clean run only: a half-made database is dropped.
        if ! "$PYTHON" -m odoo -c "$cfg" -d "$DEMO_DB" -i "$MODULE" --with-demo --stop-after-init --no-http \
                --logfile "$RUN/demo-install.log"; then
            psql_run -d postgres -c "DROP DATABASE IF EXISTS \"$DEMO_DB\"" || true
            die "installing $MODULE failed, see $RUN/demo-install.log"
        fi
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
stage_module() {
    # Copies the add-on's files (tracked, and new ones git does not ignore:
    # never .run/) into $1/partner_idic; prints $1.
    local dir="$1"
    rm -rf "$dir" && mkdir -p "$dir/$MODULE"
    (cd "$ROOT" && { git ls-files -co --exclude-standard 2>/dev/null \
        || find . -type f -not -path './.run/*' -not -path './.git/*'; } \
        | while IFS= read -r f; do [ -f "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) \
        | tar -xf - -C "$dir/$MODULE"
    echo "$dir"
}

export_pot() {
    # $1: config, $2: database, $3: output file.  Odoo's export reads every
    # file below the add-on's folder: it reads a copy of the add-on's own files,
    # not the checkout, whose .run/ holds the Odoo source and virtualenv.
    local stage cfg="$RUN/pot-export.conf"
    stage="$(stage_module "${TMPDIR:-/tmp}/$MODULE-pot-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)")"
    sed "s|^addons_path = .*|addons_path = $stage|" "$1" >"$cfg"
    "$PYTHON" -m odoo i18n export -c "$cfg" -d "$2" -o "$3" "$MODULE" >"$RUN/pot.log" 2>&1
    local rc=$?
    rm -rf "$stage"
    return $rc
}

pot_differs() {
    # Compares two .pot files, ignoring the creation and revision dates.
    local a b
    a="$(grep -vE '^"(POT-Creation-Date|PO-Revision-Date):' "$1")"
    b="$(grep -vE '^"(POT-Creation-Date|PO-Revision-Date):' "$2" 2>/dev/null || true)"
    [ "$a" != "$b" ]
}

pot_strings() {
    # A .pot file without its dates and its references (#: the records and
    # files a string comes from): the strings the translators are given.
    grep -vE '^("(POT-Creation-Date|PO-Revision-Date):|#: )' "$1" 2>/dev/null || true
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
    # Each translation in the template's order, with its references: it
    # lists the strings still to translate.
    local po
    for po in "$ROOT"/i18n/*.po; do
        [ -e "$po" ] || continue
        "$PYTHON" "$ROOT/tools/sync_po.py" "$ROOT/i18n/$MODULE.pot" "$po" \
            || say "$(basename "$po") has untranslated strings (listed above)"
    done
}

# --------------------------------------------------------------------------
# make wheel: the pip package of the add-on, built and checked
# --------------------------------------------------------------------------
WHEEL_VENV="$RUN/wheel-venv"

cmd_wheel() {
    # Builds .run/dist/odoo_addon_partner_idic-19.0.*.whl with whool from a
    # copy of the add-on named partner_idic (whool names the distribution
    # after the folder), checks what it holds, installs it with pip into a
    # virtual environment layered on $PYTHON's (.run/wheel-venv) and checks
    # that Odoo finds the add-on there with no addons path at all.
    local stage dist="$RUN/dist" wheel site
    stage="$(stage_module "${TMPDIR:-/tmp}/$MODULE-wheel-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)")"
    rm -rf "$dist" && mkdir -p "$dist"
    say "building the wheel with whool"
    if ! WHOOL_POST_VERSION_STRATEGY_OVERRIDE=none "$PYTHON" -m pip wheel --quiet --disable-pip-version-check \
            --no-deps -w "$dist" "$stage/$MODULE" 2> >(grep -v "^WARNING: Location 'file:" >&2); then
        say "building the wheel FAILED"
        return 1
    fi
    rm -rf "$stage"
    wheel="$(ls "$dist"/*.whl)"
    "$PYTHON" "$ROOT/tools/check_wheel.py" contents "$wheel" "$ROOT" || return 1
    say "installing the wheel with pip into $WHEEL_VENV"
    rm -rf "$WHEEL_VENV"
    "$PYTHON" -m venv "$WHEEL_VENV" || return 1
    site="$("$WHEEL_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    # Everything $PYTHON sees (Odoo, its requirements, the OCA add-ons) is seen
    # from the layered environment too, behind its own site-packages.
    "$PYTHON" -c 'import os, sys; print("import site; list(map(site.addsitedir, %r))" % [p for p in sys.path if p and os.path.isdir(p)])' \
        >"$site/_partner_idic_base.pth"
    local deps=()
    # Dependencies are resolved (offline) against what is installed when Odoo
    # itself is a pip-installed distribution, as in .run/venv.
    [ "$IN_VENV" = 1 ] || deps=(--no-deps)
    if ! "$WHEEL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "${deps[@]}" "$wheel" \
            2> >(grep -v "^WARNING: Location 'file:" >&2); then
        say "pip install of the wheel FAILED"
        return 1
    fi
    "$WHEEL_VENV/bin/python" "$ROOT/tools/check_wheel.py" found "$site"
}

# Add-ons partner_idic works with when they are there (requirements-dev.txt
# installs them): installed in the test databases, so that the tests of the
# integration run.
# payment_demo: the recurring gifts' tests charge its tokens (tests only).
OPTIONAL_MODULES=queue_job,payment_demo

install_optional() {  # config database logfile
    local missing
    missing="$(psql_run -d "$2" -c "SELECT COUNT(*) FROM unnest(string_to_array('$OPTIONAL_MODULES', ',')) AS wanted(name) WHERE NOT EXISTS (SELECT 1 FROM ir_module_module m WHERE m.name = wanted.name AND m.state = 'installed')")"
    [ "$missing" = 0 ] && return 0
    rm -f "$3"
    "$PYTHON" -m odoo -c "$1" -d "$2" -i "$OPTIONAL_MODULES" --stop-after-init --no-http \
        --logfile "$3" && ! grep -qE ' (ERROR|CRITICAL) ' "$3"
}

# Host add-ons the tests use and a database in use never needs: the demo
# payment provider pays renewals and gifts in the portal's tests and tours.
TEST_MODULES=payment_demo

install_test_modules() {  # config database logfile
    local state
    state="$(psql_run -d "$2" -c "SELECT state FROM ir_module_module WHERE name = '$TEST_MODULES'")"
    [ "$state" = installed ] && return 0
    rm -f "$3"
    "$PYTHON" -m odoo -c "$1" -d "$2" -i "$TEST_MODULES" --stop-after-init --no-http \
        --logfile "$3" && ! grep -qE ' (ERROR|CRITICAL) ' "$3"
}

# --------------------------------------------------------------------------
# The upgrade from the previous release (tools/previous_release): its add-on,
# taken from this checkout's git history, installed with its demo data, then
# upgraded with -u to the code of the checkout; tools/upgrade_check.py checks
# that every record and stored figure is kept.
# --------------------------------------------------------------------------
PREV_VERSION=""
PREV_COMMIT=""
PREV_ADDONS=""
UPGRADE_SUMMARY=""

read_previous_release() {
    local file="$ROOT/tools/previous_release"
    [ -f "$file" ] || { say "no $file: the previous release is unknown"; return 1; }
    read -r PREV_VERSION PREV_COMMIT < <(grep -vE '^[[:space:]]*(#|$)' "$file" | head -n 1)
    if ! [[ "$PREV_COMMIT" =~ ^[0-9a-f]{40}$ ]]; then
        say "tools/previous_release must hold '<version> <full commit hash>', not '$PREV_VERSION $PREV_COMMIT'"
        return 1
    fi
}

extract_previous_release() {
    # The previous release's add-on in $RUN/previous-release/partner_idic
    # (.run/ is never part of the add-on: not scanned, staged nor linted).
    PREV_ADDONS="$RUN/previous-release"
    if ! git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
        say "$ROOT is not a git checkout: the previous release $PREV_VERSION (commit $PREV_COMMIT) is taken from its history; run 'make test' in a 'git clone' of the repository"
        return 1
    fi
    if ! git -C "$ROOT" cat-file -e "$PREV_COMMIT^{commit}" 2>/dev/null; then
        say "the commit $PREV_COMMIT of the previous release $PREV_VERSION (tools/previous_release) is missing from this checkout's git history; fetch it with 'git fetch origin $PREV_COMMIT' (or 'git fetch --unshallow' in a shallow clone), then run this again"
        UPGRADE_SUMMARY="commit $PREV_COMMIT missing: git fetch origin $PREV_COMMIT"
        return 1
    fi
    rm -rf "$PREV_ADDONS" && mkdir -p "$PREV_ADDONS/$MODULE"
    git -C "$ROOT" archive --format=tar "$PREV_COMMIT" | tar -xf - -C "$PREV_ADDONS/$MODULE" \
        || { say "could not extract commit $PREV_COMMIT with git archive"; return 1; }
}

module_version() {
    # $1: database: the installed version of the add-on.
    psql_run -d "$1" -c "SELECT latest_version FROM ir_module_module WHERE name = '$MODULE' AND state = 'installed'" 2>/dev/null || true
}

upgrade_from_previous_release() {
    # $1: config of this checkout, $2: database (dropped and made here).  Sets
    # UPGRADE_INSTALL_OK (the previous release installed), UPGRADE_OK (-u
    # succeeded: the database runs the current code) and UPGRADE_CHECK_OK.
    local cfg="$1" db="$2" prev_cfg="$RUN/previous-release.conf" t0 t1 t2 t3 t4
    local check_file="$RUN/upgrade-check.json" check_log="$RUN/test-upgrade-check.log"
    UPGRADE_INSTALL_OK=0 UPGRADE_OK=0 UPGRADE_CHECK_OK=0 UPGRADE_SUMMARY=""
    t0="$(date +%s)"
    read_previous_release || return 0
    extract_previous_release || return 0
    sed "s|^addons_path = .*|addons_path = $PREV_ADDONS|" "$cfg" >"$prev_cfg"
    psql_run -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    say "upgrade check: installing the previous release $PREV_VERSION (commit ${PREV_COMMIT:0:12}) with its demo data in $db"
    rm -f "$RUN/test-install.log" "$RUN/test-upgrade.log" "$check_file"
    if "$PYTHON" -m odoo -c "$prev_cfg" -d "$db" -i "$MODULE" --with-demo --stop-after-init --no-http \
            --logfile "$RUN/test-install.log" && ! grep -qE ' (ERROR|CRITICAL) ' "$RUN/test-install.log" \
            && [ "$(module_version "$db")" = "$PREV_VERSION" ]; then
        UPGRADE_INSTALL_OK=1
    else
        say "install of the previous release FAILED (installed version: '$(module_version "$db")'), see $RUN/test-install.log:"
        grep -E ' (ERROR|CRITICAL) ' "$RUN/test-install.log" | head -n 20 >&2 || tail -n 30 "$RUN/test-install.log" >&2
        return 0
    fi
    t1="$(date +%s)"
    local check=("$PYTHON" -m odoo shell -d "$db" --no-http --log-level=warn)
    say "upgrade check: rows in every model, interrupted-job cursors set, snapshot of every record and figure"
    local before_ok=1
    IDIC_UPGRADE=before IDIC_UPGRADE_FILE="$check_file" "${check[@]}" -c "$prev_cfg" \
        <"$ROOT/tools/upgrade_check.py" >"$check_log" 2>&1 || before_ok=0
    grep -h '^\[upgrade check\]' "$check_log" | sed "s/^/[$MODULE] /" >&2 || true
    if [ "$before_ok" != 1 ] || [ ! -s "$check_file" ]; then
        say "upgrade check FAILED before the upgrade, see $check_log"
        tail -n 20 "$check_log" >&2
    fi
    t2="$(date +%s)"
    say "upgrade check: upgrading $MODULE (-u) from $PREV_VERSION to $(manifest_version) with the code of this checkout"
    if "$PYTHON" -m odoo -c "$cfg" -d "$db" -u "$MODULE" --stop-after-init --no-http \
            --logfile "$RUN/test-upgrade.log" && ! grep -qE ' (ERROR|CRITICAL) ' "$RUN/test-upgrade.log" \
            && [ "$(module_version "$db")" = "$(manifest_version)" ]; then
        UPGRADE_OK=1
        grep -hE 'module partner_idic: Running migration|obsolete recompute cursor' "$RUN/test-upgrade.log" \
            | sed -E "s/^.* (INFO|WARNING) [^ ]+ [^ ]+: /[$MODULE] upgrade check: /" >&2 || true
    else
        say "upgrade FAILED (installed version now '$(module_version "$db")'), see $RUN/test-upgrade.log:"
        grep -E ' (ERROR|CRITICAL) ' "$RUN/test-upgrade.log" | head -n 20 >&2 || tail -n 30 "$RUN/test-upgrade.log" >&2
        return 0
    fi
    t3="$(date +%s)"
    if [ "$before_ok" = 1 ] && [ -s "$check_file" ]; then
        say "upgrade check: comparing every record and figure with the snapshot"
        if IDIC_UPGRADE=after IDIC_UPGRADE_FILE="$check_file" "${check[@]}" -c "$cfg" \
                <"$ROOT/tools/upgrade_check.py" >"$check_log.after" 2>&1; then
            UPGRADE_CHECK_OK=1
        fi
        grep -h '^\[upgrade check\]' "$check_log.after" | sed "s/^/[$MODULE] /" >&2 || true
        cat "$check_log.after" >>"$check_log" && rm -f "$check_log.after"
        UPGRADE_SUMMARY="$(grep -h '^\[upgrade check\] summary:' "$check_log" | tail -n 1 | sed 's/^\[upgrade check\] summary: //')"
        [ "$UPGRADE_CHECK_OK" = 1 ] || { say "upgrade check FAILED, see $check_log"; [ -n "$UPGRADE_SUMMARY" ] || tail -n 20 "$check_log" >&2; }
    fi
    t4="$(date +%s)"
    say "upgrade check: times: previous release install $((t1 - t0))s, snapshot $((t2 - t1))s, upgrade $((t3 - t2))s, comparison $((t4 - t3))s"
}

manifest_version() {
    "$PYTHON" -c 'import ast, sys; print(ast.literal_eval(open(sys.argv[1]).read())["version"])' "$ROOT/__manifest__.py"
}

cmd_upgrade_check() {
    # make upgrade-check: the upgrade stage of make test alone, on the
    # database UPGRADE_DB (made again; kept for a look or 'make test-one').
    require_odoo
    install_requirements
    prepare
    local db="${UPGRADE_DB:-${MODULE}_upgrade}" cfg="$RUN/upgrade-check.conf"
    write_config "$cfg" "$(free_port 8169)"
    upgrade_from_previous_release "$cfg" "$db"  # (drops $db first)
    [ "$PG_STARTED_HERE" = 1 ] && ! odoo_running && pg_stop
    echo "previous release $PREV_VERSION: install $( [ "$UPGRADE_INSTALL_OK" = 1 ] && echo ok || echo FAILED), upgrade $( [ "$UPGRADE_OK" = 1 ] && echo ok || echo FAILED), check $( [ "$UPGRADE_CHECK_OK" = 1 ] && echo ok || echo FAILED)${UPGRADE_SUMMARY:+: $UPGRADE_SUMMARY}"
    [ "$UPGRADE_CHECK_OK" = 1 ] && say "the upgraded database $db is kept (DEMO_DB=$db make test-one K=... runs tests on it)"
    [ "$UPGRADE_CHECK_OK" = 1 ]
}

# --------------------------------------------------------------------------
# make test
# --------------------------------------------------------------------------
cmd_test() {
    local start rc=0
    start="$(date +%s)"
    require_odoo
    install_requirements dev
    ensure_browser
    ensure_rtlcss
    ensure_pdf_engine required
    prepare
    "$PYTHON" -c 'import websocket' 2>/dev/null || die "PyPI 'websocket-client' is missing (pip install -r requirements-dev.txt)."

    TEST_DB="${MODULE}_test_$(date +%Y%m%d%H%M%S)_$$"
    local db="$TEST_DB"
    local cfg="$RUN/test.conf"
    write_config "$cfg" "$(free_port 8169)"
    local log="$RUN/test-install-fresh.log"
    local install_ok=0 upgrade_ok=0 upgrade_check_ok=0 uninstall_ok=0 lint_ok=0 pot_ok=0 wheel_ok=0 bootstrap_ok=0 host_ok=0 reliability_ok=0 probe_ok=0
    local tests=0 failures=0 tours=0
    cleanup_test() {
        psql_run -d postgres -c "DROP DATABASE IF EXISTS \"$TEST_DB\"" >/dev/null 2>&1 || true
        if [ "$PG_STARTED_HERE" = 1 ] && ! odoo_running; then
            pg_stop
        fi
    }
    trap cleanup_test EXIT

    # The test database is a database of the previous release, with its demo
    # data, upgraded to this code (every record and figure checked); a fresh
    # install of this code with demo data is done by the wheel and host test
    # stages below.  When the previous release cannot be installed or
    # upgraded, the tests run on a fresh install instead (and make test fails).
    upgrade_from_previous_release "$cfg" "$db"
    upgrade_ok=$UPGRADE_OK
    upgrade_check_ok=$UPGRADE_CHECK_OK
    install_ok=$UPGRADE_OK
    if [ "$UPGRADE_OK" != 1 ]; then
        psql_run -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
        say "no database upgraded from the previous release: installing $MODULE with demo data in the fresh database $db instead, for the tests"
        if "$PYTHON" -m odoo -c "$cfg" -d "$db" -i "$MODULE" --with-demo --stop-after-init --no-http \
                --logfile "$log" && ! grep -qE ' (ERROR|CRITICAL) ' "$log"; then
            install_ok=1
        else
            say "install FAILED, see $log:"
            grep -E ' (ERROR|CRITICAL) ' "$log" | head -n 20 >&2 || tail -n 30 "$log" >&2
        fi
    fi

    if [ "$install_ok" = 1 ]; then
        say "installing $OPTIONAL_MODULES beside $MODULE (the optional integration the tests cover)"
        install_optional "$cfg" "$db" "$RUN/test-optional.log" || {
            upgrade_ok=0
            say "installing $OPTIONAL_MODULES FAILED, see $RUN/test-optional.log"
        }
        say "installing $TEST_MODULES (used by the tests only)"
        install_test_modules "$cfg" "$db" "$RUN/test-modules.log" || {
            upgrade_ok=0
            say "installing $TEST_MODULES FAILED, see $RUN/test-modules.log"
        }

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

        say "reliability: jobs killed mid-run, and jobs run while users work, against clean runs (on copies of $db)"
        if "$PYTHON" "$ROOT/tools/reliability_check.py" -c "$cfg" -d "$db" >"$RUN/reliability.log" 2>&1; then
            reliability_ok=1
            grep -E '^(killed|concurrent|reliability|  )' "$RUN/reliability.log" | tail -n 30 || true
        else
            say "reliability check FAILED, see $RUN/reliability.log:"
            tail -n 40 "$RUN/reliability.log" >&2
        fi

        say "probe: bad input over JSON-RPC and every PDF report over HTTP, on a served copy of $db"
        if "$PYTHON" "$ROOT/tools/probe.py" -c "$cfg" -d "$db" >"$RUN/probe.log" 2>&1; then
            probe_ok=1
            grep -E '^(probe|  ok +(PDF|points))' "$RUN/probe.log" || true
        else
            say "probe FAILED, see $RUN/probe.log:"
            grep -E 'FAILED|Error|error' "$RUN/probe.log" | head -n 40 >&2 || tail -n 40 "$RUN/probe.log" >&2
        fi

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

    say "wheel: build it, check it, pip install it and install $MODULE from it"
    if cmd_wheel; then
        if [ "$uninstall_ok" != 1 ]; then
            wheel_ok=1  # no database to install it in: the checks above stand
        else
            # No addons path: Odoo must find the add-on in the wheel's install.
            grep -v '^addons_path' "$cfg" >"$RUN/wheel.conf"
            if "$WHEEL_VENV/bin/python" -m odoo module install -c "$RUN/wheel.conf" -d "$db" "$MODULE" \
                    >"$RUN/test-wheel.log" 2>&1 \
                    && [ "$(psql_run -d "$db" -c "SELECT state FROM ir_module_module WHERE name = '$MODULE'")" = installed ] \
                    && ! grep -qE ' (ERROR|CRITICAL) ' "$RUN/test-wheel.log"; then
                say "$MODULE installed again from the wheel, with no addons path"
                wheel_ok=1
            else
                say "installing $MODULE from the wheel FAILED, see $RUN/test-wheel.log"
                grep -E ' (ERROR|CRITICAL) ' "$RUN/test-wheel.log" | head -n 20 >&2 || tail -n 20 "$RUN/test-wheel.log" >&2
            fi
        fi
    fi

    # The template is checked against an install with demo data (the
    # wheel's, above): the upgraded database also holds what only an upgrade
    # keeps (demo records of the previous release). Its strings are compared,
    # not the records they come from (an uninstall keeps the superseded
    # survey versions an assessment answered).
    if [ "$install_ok" = 1 ]; then
        say "checking that i18n/$MODULE.pot is current"
        if ! export_pot "$cfg" "$db" "$RUN/$MODULE.pot"; then
            say "pot export FAILED, see $RUN/pot.log"
        elif [ "$(pot_strings "$RUN/$MODULE.pot")" != "$(pot_strings "$ROOT/i18n/$MODULE.pot")" ]; then
            say "i18n/$MODULE.pot is out of date: run 'make pot' and commit it"
            diff <(pot_strings "$ROOT/i18n/$MODULE.pot") <(pot_strings "$RUN/$MODULE.pot") \
                | head -n 20 >&2 || true
        else
            pot_ok=1
        fi
    fi

    # The host's own test classes (README, "The host's own tests"), on two
    # databases of their own, with and without the add-on.
    if [ "${IDIC_HOST_TESTS:-1}" = 1 ]; then
        say "the host's own test classes, with and without $MODULE"
        if bash "$ROOT/tools/host_tests.sh" "$PYTHON" "$cfg" "$db"; then host_ok=1; fi
    else
        say "host test classes skipped (IDIC_HOST_TESTS=0)"
        host_ok=1
    fi

    say "fresh-machine checks: wrong ODOO_SRC values are refused, requirements resolved by markers"
    local odoo_req
    odoo_req="$("$PYTHON" -c 'import os, odoo.release as r; print(os.path.join(os.path.dirname(os.path.dirname(r.__file__)), "requirements.txt"))' 2>/dev/null || true)"
    if bash "$ROOT/tools/test_bootstrap.sh" "$PYTHON" "$odoo_req"; then bootstrap_ok=1; fi

    say "lint"
    if cmd_lint; then lint_ok=1; fi

    local passed=$((tests - failures))
    [ "$passed" -ge 0 ] || passed=0
    local bad=$failures
    for ok in $install_ok $upgrade_ok $upgrade_check_ok $reliability_ok $probe_ok $uninstall_ok $wheel_ok $host_ok $bootstrap_ok $lint_ok $pot_ok; do
        [ "$ok" = 1 ] || bad=$((bad + 1))
    done
    word() { [ "$1" = 1 ] && echo ok || echo FAILED; }
    local secs=$(( $(date +%s) - start ))
    echo "previous release $PREV_VERSION install $(word $UPGRADE_INSTALL_OK), upgrade $(word $upgrade_ok), upgrade check $(word $upgrade_check_ok)${UPGRADE_SUMMARY:+ ($UPGRADE_SUMMARY)}"
    echo "tests database $(word $install_ok), reliability $(word $reliability_ok), probe $(word $probe_ok), uninstall $(word $uninstall_ok), wheel $(word $wheel_ok), host tests $(word $host_ok), bootstrap $(word $bootstrap_ok), pot $(word $pot_ok), lint $(word $lint_ok)"
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
    install_requirements dev  # the test tools and data sets (.run/test-data)
    prepare
    db_exists "$DEMO_DB" || die "no database $DEMO_DB yet: run 'make demo' first"
    local cfg="$RUN/test-one.conf"
    write_config "$cfg" "$(free_port 8169)"
    say "upgrading $MODULE in $DEMO_DB"
    "$PYTHON" -m odoo -c "$cfg" -d "$DEMO_DB" -u "$MODULE" --stop-after-init --no-http \
        --logfile "$RUN/test-one-upgrade.log" || die "upgrade failed, see $RUN/test-one-upgrade.log"
    install_optional "$cfg" "$DEMO_DB" "$RUN/test-one-optional.log" \
        || die "installing $OPTIONAL_MODULES failed, see $RUN/test-one-optional.log"
    install_test_modules "$cfg" "$DEMO_DB" "$RUN/test-one-modules.log" \
        || die "installing $TEST_MODULES failed, see $RUN/test-one-modules.log"
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
    setup) require_odoo; install_requirements dev; say "ready: $PYTHON" ;;
    wheel) require_odoo; install_requirements; cmd_wheel ;;
    pot) cmd_pot ;;
    test-one) cmd_test_one "${2:-}" ;;
    upgrade-check) cmd_upgrade_check ;;
    *) die "usage: $0 setup|demo|test|test-one|upgrade-check|bench|lint|pot|wheel|stop" ;;
esac
