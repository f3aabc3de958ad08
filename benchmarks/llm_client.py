"""Per-call overhead of the kit's LLMClient against the raw OpenAI SDK, on the local fake provider.

Both clients send the same 200 sequential chat completions from this one process to the fake
provider, which runs with no added latency in a process of its own (a real provider is remote).
They alternate in blocks, so drift in the machine's load hits both sides alike, after a warm-up.
The median ratio of adjacent block pairs is printed too: it shrugs off a load spike from other
processes that lands on one block. Tracing is on, as in real use, with the data dir in a temp
folder.
Goal: kit / raw <= 1.10x.

    .venv/bin/python benchmarks/llm_client.py [--calls 200] [--block 20] [--latency-ms 0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openai

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._fake_server import fake_provider_process
from shared.config import load_settings
from shared.llm import LLMClient, get_llm
from shared.tracing import TraceStore

GOAL_RATIO = 1.10
MODEL = "gpt-4.1-mini"


def kit_call(llm: LLMClient, index: int) -> str:
    return llm.complete(f"Summarise review {index}: the app is fast.", max_tokens=64).text


def raw_call(client: openai.OpenAI, index: int) -> str:
    reply = client.chat.completions.create(
        model=MODEL, max_completion_tokens=64, temperature=0.0,
        messages=[{"role": "user", "content": f"Summarise review {index}: the app is fast."}])
    return reply.choices[0].message.content or ""


def timed_block(call: object, client: object, start: int, count: int) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds for a block."""
    wall, cpu = time.perf_counter(), time.process_time()
    for index in range(start, start + count):
        call(client, index)  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def run(calls: int, block: int, latency_ms: int) -> dict[str, float]:
    fake_args = ("--latency-ms", str(latency_ms))
    with tempfile.TemporaryDirectory() as data_dir, fake_provider_process(*fake_args) as url:
        settings = load_settings(provider="openai", openai_api_key="bench-key",
                                 openai_base_url=f"{url}/v1", data_dir=data_dir,
                                 llm_max_retries=0, llm_timeout_s=10.0)
        llm = get_llm(settings, product="benchmark")
        raw = openai.OpenAI(api_key="bench-key", base_url=f"{url}/v1",
                            max_retries=0, timeout=10.0)
        for index in range(20):  # warm-up: connections, imports, SQLite file
            kit_call(llm, index)
            raw_call(raw, index)
        totals = {"kit": 0.0, "raw": 0.0, "kit_cpu": 0.0, "raw_cpu": 0.0}
        pair_ratios = []
        for start in range(0, calls, block):
            count = min(block, calls - start)
            order = [("kit", kit_call, llm), ("raw", raw_call, raw)]
            if (start // block) % 2:
                order.reverse()  # alternate who goes first in each pair of blocks
            pair = {name: timed_block(call, client, start, count) for name, call, client in order}
            pair_ratios.append(pair["kit"][0] / pair["raw"][0])
            for name, (wall, cpu) in pair.items():
                totals[name] += wall
                totals[f"{name}_cpu"] += cpu
        rows = len(TraceStore(settings.data_path("traces.sqlite")).recent(limit=10_000))
        return {**totals, "median_pair_ratio": statistics.median(pair_ratios),
                "trace_rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--block", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=0,
                        help="Delay the fake adds per call (0 = the strict, overhead-only case).")
    args = parser.parse_args()
    result = run(args.calls, args.block, args.latency_ms)
    print(f"fake provider latency: {args.latency_ms} ms per call")
    ratio = result["kit"] / result["raw"]
    print(f"{'client':<8}{'calls':>8}{'total s':>10}{'per call ms':>14}")
    for name in ("kit", "raw"):
        total = result[name]
        print(f"{name:<8}{args.calls:>8}{total:>10.3f}{total / args.calls * 1000:>14.3f}")
    print(f"ratio kit/raw: {ratio:.3f}x (median of block pairs {result['median_pair_ratio']:.3f}x)"
          f"   goal: <= {GOAL_RATIO:.2f}x   {'MET' if ratio <= GOAL_RATIO else 'MISSED'}")
    print(f"CPU ratio kit/raw: {result['kit_cpu'] / result['raw_cpu']:.3f}x "
          "(process CPU time; less sensitive to other load on the machine)")
    print(f"trace rows written: {int(result['trace_rows'])} (tracing on, as in real use)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
