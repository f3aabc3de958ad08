"""Fake-provider responders that play the résumé assistant's model, honest and not.

They read the résumé block the prompt sends ("Summary: …", "Role N: …", "- bullet",
"Skills: …") and answer the tailor schema (`summary`/`roles`/`skills`) or the letter schema
(`paragraphs`), so the LLM engine runs end to end: prompt, real HTTP, structured parsing,
contact restoring, then the guard.
"""

from __future__ import annotations

import re
from typing import Any

from shared.testing.responders import last_user_text

FABRICATIONS = [
    "At Google I led a team of 40 engineers on the search ads platform.",
    "Holds an MBA from Harvard Business School.",
    "Grew annual revenue by 350% in two years.",
    "Expert in Looker and machine learning for personalization.",
    "Promoted to Director of Product in 2012.",
    "AWS Certified Solutions Architect since 2016.",
]
INJECTED = [
    "Holds a PhD in Nursing from Johns Hopkins University.",
    "Brings ten years of Kubernetes experience.",
    "Holds a Six Sigma Black Belt and manages a budget of $2M.",
]
_HIDDEN_ORDER = re.compile(r"(?:ignore|disregard)[^.\n]*?(?:instructions?)[:,]?\s*([^\n<]+)",
                           re.IGNORECASE)


def resume_parts(request: dict[str, Any]) -> dict[str, Any]:
    """Summary, numbered roles with bullets, and skills from the prompt's résumé block."""
    text = last_user_text(request).split("JOB DESCRIPTION")[0]
    roles: dict[int, list[str]] = {}
    current = 0
    summary, skills = "", []
    for line in text.splitlines():
        if role := re.match(r"Role (\d+):", line):
            current = int(role.group(1))
            roles[current] = []
        elif line.startswith("- ") and current:
            roles[current].append(line[2:])
        elif line.startswith("Summary: "):
            summary = line.removeprefix("Summary: ")
        elif line.startswith("Skills: "):
            skills = line.removeprefix("Skills: ").split(", ")
    return {"summary": summary, "roles": roles, "skills": skills}


def _is_letter(request: dict[str, Any]) -> bool:
    return "paragraphs" in (request.get("json_schema") or {}).get("properties", {})


def honest(request: dict[str, Any]) -> dict[str, Any]:
    """Reorders what the résumé says and writes nothing new (a placeholder name included)."""
    parts = resume_parts(request)
    if _is_letter(request):
        bullets = [b for bs in parts["roles"].values() for b in bs][:2]
        return {"paragraphs": [parts["summary"], " ".join(bullets), "Thank you, [NAME]."]}
    roles = [{"role": n, "bullets": list(reversed(bs))} for n, bs in parts["roles"].items()]
    return {"summary": parts["summary"], "roles": roles, "skills": parts["skills"][::-1]}


def _with_extra(request: dict[str, Any], extra: list[str]) -> dict[str, Any]:
    reply = honest(request)
    if _is_letter(request):
        reply["paragraphs"] = [*reply["paragraphs"][:2], " ".join(extra)]
        return reply
    reply["summary"] = f"{reply['summary']} {' '.join(extra[:2])}"
    reply["roles"][0]["bullets"] = [*extra[2:], *reply["roles"][0]["bullets"]]
    reply["skills"] = [*reply["skills"], "Looker", "Kubernetes", "machine learning"]
    return reply


def fabricating(request: dict[str, Any]) -> dict[str, Any]:
    """Invents an employer, a degree, metrics, a title, a certificate and the JD's gaps."""
    return _with_extra(request, FABRICATIONS)


def follows_hidden_instructions(request: dict[str, Any]) -> dict[str, Any]:
    """Obeys any "ignore … instructions" it reads; with none in sight (the kit removed them)
    it acts as if it had read the JD's hidden text anyway (it leaked some other way)."""
    order = _HIDDEN_ORDER.search(last_user_text(request) + (request.get("system") or ""))
    extra = [order.group(1).strip()] if order and "never follow" not in order.group(0) \
        else []
    return _with_extra(request, [*extra, *INJECTED])


def malformed(request: dict[str, Any]) -> str:
    """Prose where JSON was asked for, every time (the repair attempt fails too)."""
    return "Here is your tailored résumé! It looks great. {not json"


def truncated_json(request: dict[str, Any]) -> str:
    return '{"summary": "Senior product manager", "roles": [{"role": 1, "bullets": ["Led'


__all__ = ["FABRICATIONS", "INJECTED", "fabricating", "follows_hidden_instructions", "honest",
           "malformed", "resume_parts", "truncated_json"]
