"""Résumé assistant: baseline analyze of a two-page résumé, and the guard's cost vs its LLM call.

One process. The analyze runs after a warm-up (WordLlama's weights load once per process), on
a two-page résumé built below from the bundled sample plus four more roles, against the
bundled senior PM JD. Anchor for analyze: the issue's 1 s goal, and embedding the résumé's
lines alone (the part no implementation can skip). The guard is timed on the draft a stand-in
model returns through the fake provider at a realistic latency; the
ratio is guard time / LLM call time. The fake runs in this process (its readiness probe
would time out at that latency in its own process); the guard is timed apart from the call,
so the server thread, asleep for the latency, does not compete with it.
Goals (issue 11): analyze < 1 s; the guard a small fraction of its LLM call.

    .venv/bin/python benchmarks/resume_assistant.py [--runs 30] [--latency-ms 1500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._resume_responder import tailor_with_lies
from products.resume_assistant.core.guard import GuardContext
from products.resume_assistant.core.jd_parser import parse_jd
from products.resume_assistant.core.loading import jd_text
from products.resume_assistant.core.resume_parser import parse_resume
from products.resume_assistant.core.service import embedder_for, run_analyze
from products.resume_assistant.core.tailor import guard_draft, llm_draft
from shared.config import load_settings
from shared.llm import get_llm
from shared.testing.fake_provider import FakeProvider

DATA = Path(__file__).resolve().parents[1] / "products" / "resume_assistant" / "data"
RESUME = DATA / "resumes" / "maya_okafor_product_manager.md"
JD = DATA / "jobs" / "senior_pm_growth_northwind.md"
GOAL_ANALYZE_MS = 1000.0
EXTRA_ROLES = [("Analyst", "Northgate Bank", "2013", "2015"),
               ("Research Assistant", "Lakefield Institute", "2012", "2013"),
               ("Operations Intern", "Harbor Freight Lines", "2011", "2012"),
               ("Student Consultant", "Campus Ventures Club", "2010", "2011")]


def two_page_resume() -> str:
    """The sample plus four roles of six bullets each: about 900 words, two printed pages."""
    text = RESUME.read_text()
    head, _, tail = text.partition("## Education")
    roles = []
    for title, employer, start, end in EXTRA_ROLES:
        bullets = [f"- Delivered the {word} workstream for {employer}, reporting weekly to the "
                   f"{word} lead and tracking {n} metrics in SQL and Excel."
                   for n, word in enumerate(("pricing", "reporting", "onboarding", "support",
                                             "research", "planning"), start=3)]
        roles.append(f"### {title} — {employer}\n{start} – {end}\n" + "\n".join(bullets))
    return head + "\n\n".join(roles) + "\n\n## Education" + tail


def timed_ms(call: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


def bench_analyze(runs: int) -> list[tuple[str, str, str]]:
    settings = load_settings(embedder="wordllama", provider="none")
    resume = ("two_pages.md", two_page_resume().encode())
    jd = (JD.name, JD.read_bytes())
    run_analyze(settings, resume, jd)  # warm-up: loads WordLlama once
    analyze = timed_ms(lambda: run_analyze(settings, resume, jd), runs)
    lines = parse_resume(two_page_resume()).evidence_lines()
    embedder = embedder_for(settings)
    embed = timed_ms(lambda: embedder.embed_documents(lines), runs)
    words = len(two_page_resume().split())
    times = statistics.median(analyze) / statistics.median(embed)
    return [
        (f"analyze, two-page résumé ({words} words)", f"{statistics.median(analyze):.1f} / "
         f"{p95(analyze):.1f}", f"{statistics.median(analyze) / GOAL_ANALYZE_MS:.3f}× of 1 s"),
        (f"anchor: embed its {len(lines)} lines only", f"{statistics.median(embed):.1f} / "
         f"{p95(embed):.1f}", f"analyze = {times:.1f}× the embedding"),
    ]


def bench_guard(latency_ms: int, calls: int) -> list[tuple[str, str, str]]:
    resume = parse_resume(RESUME.read_text())
    jd = parse_jd(jd_text(JD.name, JD.read_bytes())[0])
    context = GuardContext(resume, jd)
    with FakeProvider(responder=tailor_with_lies, latency_ms=latency_ms) as fake:
        settings = load_settings(provider="openai", openai_api_key="bench",
                                 openai_base_url=fake.openai_base_url, embedder="wordllama")
        llm = get_llm(settings, product="resume_assistant")
        llm_draft(llm, resume, jd, [])  # warm-up: connection pool
        llm_times, guard_times = [], []
        for _ in range(calls):
            started = time.perf_counter()
            draft = llm_draft(llm, resume, jd, ["Looker"])
            llm_times.append((time.perf_counter() - started) * 1000)
            guard_times += timed_ms(lambda d=draft: guard_draft(d, resume, context), 5)
    llm_ms, guard_ms = statistics.median(llm_times), statistics.median(guard_times)
    return [(f"LLM tailor call (fake, {latency_ms} ms latency)", f"{llm_ms:.1f}", "anchor"),
            ("guard on that draft", f"{guard_ms:.2f} / {p95(guard_times):.2f}",
             f"{guard_ms / llm_ms:.4f}× of the LLM call")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--latency-ms", type=int, default=1500)
    parser.add_argument("--calls", type=int, default=5)
    args = parser.parse_args()
    rows = bench_analyze(args.runs) + bench_guard(args.latency_ms, args.calls)
    print("| what | median / p95 ms | ratio |")
    print("|---|---|---|")
    for name, ms, ratio in rows:
        print(f"| {name} | {ms} | {ratio} |")


if __name__ == "__main__":
    main()
