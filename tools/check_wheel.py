# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks of the add-on's wheel, run by `make wheel` and `make test`.

check_wheel.py contents WHEEL CHECKOUT
    The wheel holds every file of the checkout that the add-on ships
    (manifest, code, data, views, security, i18n, static files, reports,
    demo data), under odoo/addons/partner_idic/, and its metadata asks for
    Odoo 19.0, the OCA membership add-on and the manifest's Python
    dependencies.  Files that are not part of the add-on (harness, CI,
    benchmarks' scratch) may be in it too; nothing shipped may be missing.

check_wheel.py found SITE
    Run by a Python where the wheel is installed: Odoo, configured with
    no addons path at all, finds partner_idic in SITE/odoo/addons.
"""

import ast
import os
import subprocess
import sys
import zipfile

MODULE = "partner_idic"
PREFIX = f"odoo/addons/{MODULE}/"
SHIPPED_DIRS = (
    "controllers",
    "data",
    "demo",
    "i18n",
    "migrations",
    "models",
    "report",
    "security",
    "static",
    "views",
    "wizard",
)
SHIPPED_FILES = ("__manifest__.py", "__init__.py", "README.md")


def shipped_files(checkout):
    try:
        out = subprocess.check_output(["git", "ls-files"], cwd=checkout, text=True)
        files = out.split()
    except (OSError, subprocess.CalledProcessError):
        files = [
            os.path.relpath(os.path.join(d, f), checkout)
            for d, _dirs, names in os.walk(checkout)
            if ".run" not in d and ".git" not in d
            for f in names
        ]
    return sorted(
        f
        for f in files
        if (f in SHIPPED_FILES or f.split("/", 1)[0] in SHIPPED_DIRS)
        and os.path.exists(os.path.join(checkout, f))
    )


def contents(wheel, checkout):
    problems = []
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata_name = next(
            (n for n in names if n.endswith(".dist-info/METADATA")), None
        )
        metadata = zf.read(metadata_name).decode() if metadata_name else ""
    expected = shipped_files(checkout)
    missing = [f for f in expected if PREFIX + f not in names]
    problems += [f"missing from the wheel: {f}" for f in missing]
    for kind in ("data/", "views/", "i18n/", "static/", "report/", "security/"):
        if not any(n.startswith(PREFIX + kind) for n in names):
            problems.append(f"the wheel has no {kind} files")
    with open(os.path.join(checkout, "__manifest__.py"), encoding="utf-8") as f:
        manifest = ast.literal_eval(f.read())
    requires = [
        line.split(":", 1)[1].strip()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:")
    ]
    wanted = ["odoo==19.0.*", "odoo-addon-membership==19.0.*"]
    wanted += manifest.get("external_dependencies", {}).get("python", [])
    for want in wanted:
        if not any(
            r.replace(" ", "").lower().startswith(want.lower()) for r in requires
        ):
            problems.append(
                "the wheel does not require {} (it requires: {})".format(
                    want, ", ".join(requires)
                )
            )
    if not os.path.basename(wheel).startswith(f"odoo_addon_{MODULE}-19.0."):
        problems.append(f"unexpected wheel name {os.path.basename(wheel)}")
    for problem in problems:
        print(f"[partner_idic] wheel: {problem}", file=sys.stderr)
    if not problems:
        print(
            f"[partner_idic] wheel ok: {os.path.basename(wheel)} holds the "
            f"{len(expected)} files of the add-on; requires {', '.join(requires)}"
        )
    return 1 if problems else 0


def found(site):
    # Imported here: the "contents" check runs where Odoo may not be importable.
    import odoo.init  # noqa: F401, PLC0415  (sets up the odoo namespace, as odoo-bin does)
    from odoo.modules import module  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["--http-interface", "127.0.0.1"])
    module.initialize_sys_path()
    path = module.get_module_path(MODULE, display_warning=False)
    expected = os.path.join(os.path.realpath(site), "odoo", "addons", MODULE)
    if not path or os.path.realpath(path) != expected:
        print(
            f"[partner_idic] wheel: Odoo finds {MODULE} at {path!r}, not in {expected}",
            file=sys.stderr,
        )
        return 1
    print(
        f"[partner_idic] wheel: Odoo finds {MODULE} at {path} without any addons path"
    )
    return 0


def main(argv):
    if len(argv) == 3 and argv[0] == "contents":
        return contents(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "found":
        return found(argv[1])
    print("usage: check_wheel.py contents WHEEL CHECKOUT | found SITE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
