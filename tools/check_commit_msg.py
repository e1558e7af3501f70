#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A commit message's subject is one line under 72 characters, followed by a
blank line when there is a body (the commit-msg hook of
.pre-commit-config.yaml).

    check_commit_msg.py .git/COMMIT_EDITMSG
"""

import sys

MAX_SUBJECT = 71


def problems(text):
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or not lines[0].strip():
        return ["the subject line is empty"]
    found = []
    if len(lines[0]) > MAX_SUBJECT:
        found.append(
            f"the subject has {len(lines[0])} characters, at most {MAX_SUBJECT}: "
            f"{lines[0]!r}"
        )
    if len(lines) > 1 and lines[1].strip():
        found.append("a blank line must separate the subject from the body")
    return found


def main(path):
    with open(path, encoding="utf-8") as message:
        found = problems(message.read())
    for problem in found:
        print(f"commit message: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
