# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fresh-machine helpers of the harness (tools/harness.sh), run by plain Python.

    bootstrap_odoo.py check-source DIR
        Exit 0 when DIR is an Odoo 19.0 source tree (odoo/release.py says 19.0),
        otherwise print why on stderr and exit 2.  Reads the file, imports nothing.

    bootstrap_odoo.py install-requirements REQUIREMENTS_TXT
        Run by the virtual environment's Python: install Odoo's requirements.txt
        resolved for this Python.  Every line's environment marker picks the pin
        of this Python; when that pin does not build here, the pins Odoo gives to
        the next Python versions (derived from the same markers) are tried in
        turn.  A package that still cannot be installed and that Odoo needs only
        for an optional module is left out, saying so.

Nothing here keeps a list of versions: they all come from Odoo's own file.
"""

import os
import re
import subprocess
import sys

try:  # pip vendors packaging; a venv has pip
    from packaging.requirements import Requirement
except ImportError:  # pragma: no cover - depends on the interpreter
    from pip._vendor.packaging.requirements import Requirement

# Odoo's requirements that only optional modules import: left out, with a
# message, when they cannot be installed on this machine.
OPTIONAL = {
    "python-ldap": "auth_ldap (LDAP authentication)",
    "pyusb": "the IoT box drivers",
    "pyserial": "the IoT box drivers",
}

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]


def say(msg):
    sys.stderr.write(f"[partner_idic] {msg}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------
# check-source
# --------------------------------------------------------------------------
def check_source(path):
    release = os.path.join(path, "odoo", "release.py")
    if not os.path.isfile(release):
        say(f"ERROR: {path} is not an Odoo source tree (no odoo/release.py in it).")
        return 2
    with open(release, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"^version_info\s*=\s*\(\s*(\d+)\s*,\s*(\d+)", text, re.M)
    if not match:
        say(f"ERROR: {path}: cannot read version_info from odoo/release.py.")
        return 2
    version = "{}.{}".format(*match.groups())
    if version != "19.0":
        say(f"ERROR: {path} holds Odoo {version}, but partner_idic needs Odoo 19.0.")
        return 2
    if not os.path.isfile(os.path.join(path, "requirements.txt")):
        say(
            f"ERROR: {path} has no requirements.txt: not a complete Odoo 19.0 source tree."
        )
        return 2
    return 0


# --------------------------------------------------------------------------
# install-requirements
# --------------------------------------------------------------------------
def parse_requirements(path):
    """[(Requirement, raw line)] of a pip requirements file (no options)."""
    reqs = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
            if not line or line.startswith(("#", "-")):
                continue
            reqs.append(Requirement(line))
    return reqs


def environment(minor=None):
    """The marker environment of this interpreter, or of Python 3.<minor>."""
    if minor is None:
        return None
    major = sys.version_info[0]
    return {
        "python_version": f"{major}.{minor}",
        "python_full_version": f"{major}.{minor}.0",
    }


def matches(req, env):
    return req.marker is None or req.marker.evaluate(env)


def spec_of(req):
    extras = "[{}]".format(",".join(sorted(req.extras))) if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


def resolve(reqs):
    """[(name, [candidate specs, this Python's first])] in the file's order.

    The candidates after the first are the pins of the next Python versions,
    as the same file's markers give them, without repeats.
    """
    names = []
    by_name = {}
    for req in reqs:
        key = req.name.lower()
        if key not in by_name:
            by_name[key] = []
            names.append(key)
        by_name[key].append(req)
    resolved = []
    minor = sys.version_info[1]
    for key in names:
        lines = by_name[key]
        current = [r for r in lines if matches(r, environment())]
        if not current:
            continue  # not for this platform or Python (e.g. pypiwin32)
        candidates = [spec_of(current[0])]
        for later in range(minor + 1, minor + 8):
            for req in lines:
                if matches(req, environment(later)) and spec_of(req) not in candidates:
                    # The line must hold for this platform too, Python aside.
                    candidates.append(spec_of(req))
        resolved.append((current[0].name, candidates))
    return resolved


def pip(args, log):
    with open(log, "a", encoding="utf-8") as out:
        out.write("\n$ pip {}\n".format(" ".join(args)))
        out.flush()
        return subprocess.call(PIP + args, stdout=out, stderr=subprocess.STDOUT) == 0


def install_requirements(path, log):
    resolved = resolve(parse_requirements(path))
    chosen = {name: candidates[0] for name, candidates in resolved}
    total = len(resolved)
    here = "{}.{}".format(*sys.version_info[:2])
    say(f"installing Odoo's {total} Python requirements for Python {here} (log: {log})")
    # Fast path: every pin of this Python at once.  Progress: one line per
    # package pip collects.
    if _pip_all(list(chosen.values()), log, total):
        return 0
    say("some pins do not install on this Python: trying them one by one")
    for index, (name, candidates) in enumerate(resolved, 1):
        for spec in candidates:
            if pip(["install", "--no-deps", spec], log):
                if spec != candidates[0]:
                    say(
                        f"  {candidates[0]} does not build on Python {here}: "
                        f"took {spec}, Odoo's pin for a later Python"
                    )
                chosen[name] = spec
                break
            say(f"  ({index}/{total}) {spec} does not install here")
        else:
            if name.lower() in OPTIONAL:
                say(
                    f"  left out {name}: it cannot be built on this machine "
                    f"and only {OPTIONAL[name.lower()]} needs it"
                )
                del chosen[name]
                continue
            say(f"ERROR: Odoo needs {name} and no pin of it installs here; see {log}")
            return 1
    # Their own dependencies (the file does not list them all).
    if not _pip_all(list(chosen.values()), log, total):
        say(f"ERROR: installing Odoo's requirements failed, see {log}")
        return 1
    return 0


def _pip_all(specs, log, total):
    with open(log, "a", encoding="utf-8") as out:
        out.write("\n$ pip install {}\n".format(" ".join(specs)))
        out.flush()
        proc = subprocess.Popen(
            [*PIP, "install", "--progress-bar", "off", *specs],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        seen = 0
        for line in proc.stdout:
            out.write(line)
            if line.startswith("Collecting "):
                seen += 1
                say(f"  ({seen}/{total}+) {line.split()[1]}")
            elif line.startswith("Installing collected packages"):
                say("  installing the collected packages")
        return proc.wait() == 0


def main(argv):
    if len(argv) == 2 and argv[0] == "check-source":
        return check_source(argv[1])
    if len(argv) == 3 and argv[0] == "install-requirements":
        return install_requirements(argv[1], argv[2])
    say(
        "usage: bootstrap_odoo.py check-source DIR | install-requirements REQUIREMENTS_TXT LOG"
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
