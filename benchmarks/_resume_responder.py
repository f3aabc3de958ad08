"""A stand-in model for the résumé benchmark: the résumé's own bullets, reversed, plus a few
fabrications, so the guard has real work (honest units to pass, lies to block)."""

from __future__ import annotations

import re
from typing import Any

from shared.testing.responders import last_user_text

EXTRA = ["At Google I led a team of 40 engineers.", "Holds an MBA from Harvard.",
         "Expert in Looker and machine learning."]


def tailor_with_lies(request: dict[str, Any]) -> dict[str, Any]:
    text = last_user_text(request).split("JOB DESCRIPTION")[0]
    roles: dict[int, list[str]] = {}
    summary, current = "", 0
    for line in text.splitlines():
        if match := re.match(r"Role (\d+):", line):
            current = int(match.group(1))
            roles[current] = []
        elif line.startswith("- ") and current:
            roles[current].append(line[2:])
        elif line.startswith("Summary: "):
            summary = line.removeprefix("Summary: ")
    drafts = [{"role": n, "bullets": [*reversed(b), *EXTRA[:1]]} for n, b in roles.items()]
    return {"summary": f"{summary} {EXTRA[1]}", "roles": drafts, "skills": ["SQL", EXTRA[2]]}
