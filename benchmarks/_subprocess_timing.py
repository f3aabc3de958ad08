"""Wall-clock medians of fresh subprocesses, for the benchmarks that time a whole command."""

from __future__ import annotations

import statistics
import subprocess
import time


def time_once(command: list[str], env: dict[str, str]) -> float:
    """Seconds one run of `command` took, stdout discarded."""
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median seconds per command; runs alternate so machine drift hits both alike."""
    for command in commands.values():
        time_once(command, env)  # warm-up: page cache, .pyc files
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(time_once(command, env))
    return {name: statistics.median(values) for name, values in samples.items()}
