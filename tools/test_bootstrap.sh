#!/usr/bin/env bash
# Checks of the fresh-machine path of tools/harness.sh, run by `make test`:
#  - a wrong ODOO_SRC (missing file, a tree that is not Odoo 19.0, an archive
#    without Odoo in it, a repository without a 19.0 branch) stops with a clear
#    message before any database is touched (no cluster, no virtualenv made);
#  - Odoo's requirements.txt is resolved for each Python from its markers, the
#    next Python's pin coming after this Python's.
# Usage: test_bootstrap.sh PYTHON [ODOO_REQUIREMENTS_TXT]
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$1"
ODOO_REQ="${2:-}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/partner_idic-bootstrap-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); printf '[partner_idic] bootstrap check FAILED: %s\n' "$*" >&2; }

expect_refused() {
    # $1: label, $2: ODOO_SRC, $3: a piece of the message expected
    local label="$1" src="$2" want="$3" run="$WORK/run-$RANDOM" out rc
    out="$(PARTNER_IDIC_RUN="$run" ODOO_BOOTSTRAP=always ODOO_SRC="$src" PYTHON="$PY" \
        PGHOST='' PGPORT='' PGUSER='' bash "$ROOT/tools/harness.sh" test 2>&1)"
    rc=$?
    if [ "$rc" = 0 ]; then
        ko "$label: accepted"
    elif ! grep -qF -- "$want" <<<"$out"; then
        ko "$label: message was: $(tail -n 1 <<<"$out")"
    elif [ -e "$run/pg" ] || [ -e "$run/venv" ]; then
        ko "$label: a cluster or a virtualenv was made before the refusal"
    else
        ok
    fi
}

# Missing file.
expect_refused "missing archive" "$WORK/nowhere/odoo-19.0.tar.xz" "no such file or directory"
# A tree of another Odoo version.
mkdir -p "$WORK/odoo-18/odoo"
printf 'version_info = (18, 0, 0, "final", 0, "")\n' >"$WORK/odoo-18/odoo/release.py"
: >"$WORK/odoo-18/requirements.txt"
expect_refused "Odoo 18.0 tree" "$WORK/odoo-18" "holds Odoo 18.0, but partner_idic needs Odoo 19.0"
# A folder that is no Odoo at all.
mkdir -p "$WORK/empty"
expect_refused "empty folder" "$WORK/empty" "neither an Odoo source tree"
# An archive without Odoo in it.
mkdir -p "$WORK/notodoo/something" && : >"$WORK/notodoo/something/README"
tar -czf "$WORK/notodoo.tar.gz" -C "$WORK/notodoo" something
expect_refused "archive without Odoo" "$WORK/notodoo.tar.gz" "does not hold an Odoo source tree"
# An archive of Odoo 18.0.
tar -czf "$WORK/odoo-18.tar.gz" -C "$WORK" odoo-18
expect_refused "archive of Odoo 18.0" "$WORK/odoo-18.tar.gz" "is not Odoo 19.0"
# A file that is not an archive.
printf 'x' >"$WORK/odoo.zip"
expect_refused "not an archive" "$WORK/odoo.zip" "not a .tar.gz / .tar.xz archive"
# A git repository without a 19.0 branch.
if command -v git >/dev/null 2>&1; then
    git init -q -b main "$WORK/repo" && git -C "$WORK/repo" -c user.email=t@t -c user.name=t \
        commit -q --allow-empty -m init
    expect_refused "repository without 19.0" "$WORK/repo" "without a 19.0 branch"
fi

# Requirements resolved from the markers of Odoo's own file.
if [ -n "$ODOO_REQ" ] && [ -f "$ODOO_REQ" ]; then
    if out="$("$PY" - "$ROOT/tools" "$ODOO_REQ" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import bootstrap_odoo as b

reqs = b.parse_requirements(sys.argv[2])
real = sys.version_info
problems = []
for minor in range(10, 14):
    env = b.environment(minor)
    # Resolve as that Python would: its own pin first, then the later ones.
    b_env = b.environment
    b.environment = lambda m=None, _env=env, _b=b_env: _env if m is None else _b(m)
    b.sys.version_info = (3, minor, 0, "final", 0)
    try:
        resolved = dict(b.resolve(reqs))
    finally:
        b.environment = b_env
        b.sys.version_info = real
    for name, candidates in resolved.items():
        first = [r for r in reqs if r.name == name and b.matches(r, env)]
        if not first or candidates[0] != b.spec_of(first[0]):
            problems.append("3.%d %s: first candidate %s" % (minor, name, candidates[0]))
    if minor == 11 and resolved.get("cbor2") != ["cbor2==5.4.2", "cbor2==5.6.2"]:
        problems.append("3.11 cbor2: %s" % resolved.get("cbor2"))
    if minor == 12 and "lxml-html-clean" not in resolved:
        problems.append("3.12 lacks lxml-html-clean")
    if minor == 11 and "lxml-html-clean" in resolved:
        problems.append("3.11 has lxml-html-clean")
    if any(n.lower() == "pypiwin32" for n in resolved):
        problems.append("pypiwin32 resolved on Linux")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
)"; then
        ok
    else
        ko "requirements resolution: $out"
    fi
fi

echo "bootstrap checks: $passed passed, $failed failed"
[ "$failed" = 0 ]
