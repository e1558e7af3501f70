# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bring a translation file in line with the template, as `make pot` does.

    sync_po.py TEMPLATE.pot LANG.po

Rewrites LANG.po in the template's order, with the template's references and
flags (Odoo loads model terms and code strings through them), keeping every
translation; strings no longer in the template are dropped, new ones are left
untranslated, and both are listed.  Exits 1 when a string is untranslated.
"""

import sys

import polib

NO_WRAP = 100_000


def main(template, path):
    pot = polib.pofile(template, wrapwidth=NO_WRAP)
    old = polib.pofile(path, wrapwidth=NO_WRAP)
    known = {(e.msgctxt, e.msgid): e for e in old}
    new = polib.POFile(wrapwidth=NO_WRAP)
    new.header, new.metadata = old.header, old.metadata
    untranslated = []
    for entry in pot:
        done = known.pop((entry.msgctxt, entry.msgid), None)
        if not done or not (done.msgstr or any(done.msgstr_plural.values())):
            untranslated.append(entry.msgid)
        new.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgid_plural=entry.msgid_plural,
                msgstr=done.msgstr if done else "",
                msgstr_plural=done.msgstr_plural if done else {},
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=entry.flags,
            )
        )
    # One reference a line, as Odoo's own export writes them.
    lines = []
    for line in new.__unicode__().splitlines(keepends=True):
        if line.startswith("#: ") and " " in line[3:].strip():
            lines += [f"#: {ref}\n" for ref in line[3:].split()]
        else:
            lines.append(line)
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    for msgid in known.values():
        print(f"[partner_idic] {path}: dropped, no longer used: {msgid.msgid!r}")
    for msgid in untranslated:
        print(f"[partner_idic] {path}: untranslated: {msgid!r}")
    return 1 if untranslated else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
