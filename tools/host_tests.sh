#!/usr/bin/env bash
# The host's own test classes, run on a database without partner_idic and on
# the same database with it: a failure the add-on adds is a regression.
#
#   tools/host_tests.sh PYTHON ODOO_CONFIG DB_PREFIX
#
# Creates <prefix>_host_without (the host modules) and <prefix>_host_with (a
# copy of it, then partner_idic installed), runs the classes of HOST_TEST_TAGS
# (post_install classes: they run on an installed database, with every module
# loaded) on each, drops both databases and prints
#   host tests: N classes, with the add-on F failures, without G failures
# Exits non-zero when the add-on adds a failure (a test failing with it and
# not without it), or when a database cannot be set up.
set -uo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 PYTHON ODOO_CONFIG DB_PREFIX" >&2
    exit 2
fi
PYTHON="$1"
CFG="$2"
PREFIX="$3"
MODULE=partner_idic
HOST_MODULES="contacts,account,loyalty,membership"
# The classes, also listed in the README (section "The host's own tests").
# post_install only: at_install tests of a host module run while the registry
# is being loaded, before partner_idic's fields exist, against a database that
# has its columns (a company created there misses their defaults): that never
# happens in use, and would be a false failure.
HOST_TEST_TAGS="${HOST_TEST_TAGS:-post_install/loyalty:TestLoyalty,\
post_install/membership:TestMembership,post_install/contacts:TestUi,\
post_install/account:TestAccountPaymentRegister,\
post_install/account:TestAccountMoveDuplicate,\
post_install/account:TestMergePartner,\
post_install/account:TestAccountMoveOutRefundOnchanges}"
DB_WITHOUT="${PREFIX}_host_without"
DB_WITH="${PREFIX}_host_with"
LOGDIR="${HOST_TESTS_LOGDIR:-$(dirname "$CFG")}"
say() { echo "[host tests] $*" >&2; }

# Create / copy / drop databases with the connection settings of the config.
pg() {
    "$PYTHON" - "$CFG" "$@" <<'PY'
import configparser
import sys

import psycopg2
from psycopg2 import sql

cfg = configparser.ConfigParser()
cfg.read(sys.argv[1])
opts = cfg["options"]
params = {"dbname": "postgres"}
for key, name in (("db_host", "host"), ("db_port", "port"), ("db_user", "user"),
                  ("db_password", "password")):
    value = opts.get(key)
    if value and value not in ("False", "None"):
        params[name] = value
conn = psycopg2.connect(**params)
conn.autocommit = True
cr = conn.cursor()
action, name = sys.argv[2], sys.argv[3]
if action == "drop":
    cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
elif action == "copy":
    cr.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(name), sql.Identifier(sys.argv[4])))
PY
}

cleanup() {
    pg drop "$DB_WITHOUT" || true
    pg drop "$DB_WITH" || true
}
trap cleanup EXIT

odoo() {
    local log="$1"
    shift
    rm -f "$log"  # Odoo appends to its log file: each run reads its own
    "$PYTHON" -m odoo -c "$CFG" --stop-after-init --logfile "$log" "$@"
}

# The failing tests of a log: "FAIL: Class.method" / "ERROR: Class.method".
failures() {
    grep -oE ' (FAIL|ERROR): [A-Za-z_][A-Za-z0-9_]*\.[A-Za-z0-9_.]+| (FAIL|ERROR): setUpClass \([^)]*\)' "$1" \
        | sed -E 's/^ (FAIL|ERROR): //' | sort -u
}
# The test classes that ran.
classes() {
    grep -oE 'Starting [A-Za-z_][A-Za-z0-9_]*\.test_' "$1" | sed -E 's/^Starting //; s/\.test_$//' | sort -u
}

cleanup
say "installing $HOST_MODULES in $DB_WITHOUT"
if ! odoo "$LOGDIR/host-install.log" -d "$DB_WITHOUT" -i "$HOST_MODULES" --no-http; then
    say "install of the host modules FAILED, see $LOGDIR/host-install.log"
    exit 1
fi
pg copy "$DB_WITH" "$DB_WITHOUT" || exit 1
say "installing $MODULE in $DB_WITH"
if ! odoo "$LOGDIR/host-install-with.log" -d "$DB_WITH" -i "$MODULE" --no-http; then
    say "install of $MODULE FAILED, see $LOGDIR/host-install-with.log"
    exit 1
fi

say "running $HOST_TEST_TAGS without the add-on"
odoo "$LOGDIR/host-tests-without.log" -d "$DB_WITHOUT" --test-tags "$HOST_TEST_TAGS"
say "running them with the add-on"
odoo "$LOGDIR/host-tests-with.log" -d "$DB_WITH" --test-tags "$HOST_TEST_TAGS"

without="$(failures "$LOGDIR/host-tests-without.log")"
with="$(failures "$LOGDIR/host-tests-with.log")"
ran="$(classes "$LOGDIR/host-tests-with.log")"
ran_without="$(classes "$LOGDIR/host-tests-without.log")"
count() { if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }
added="$(comm -13 <(printf '%s\n' "$without") <(printf '%s\n' "$with") | sed '/^$/d')"

echo "host tests: $(count "$ran") classes, with the add-on $(count "$with") failures, without $(count "$without") failures"
rc=0
if [ -n "$added" ]; then
    say "failing only with the add-on (logs: $LOGDIR/host-tests-with.log):"
    printf '  %s\n' $added >&2
    rc=1
fi
if [ "$ran" != "$ran_without" ] || [ -z "$ran" ]; then
    say "the two runs did not run the same classes: with [$(echo $ran)], without [$(echo $ran_without)]"
    rc=1
fi
exit $rc
