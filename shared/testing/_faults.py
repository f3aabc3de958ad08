"""Which fault, if any, the next model call suffers: queued ones first, then the seeded dice."""

from __future__ import annotations

import random
import threading
from collections import deque

FAULT_KINDS = ("429", "500", "hang", "malformed", "truncated", "401", "404")
RANDOM_FAULT_KINDS = ("429", "500", "hang", "malformed", "truncated")
ERROR_FAULT_KINDS = frozenset({"429", "500", "401", "404"})

# Small enough that an SDK retry after a 429 costs milliseconds, not the default back-off.
RETRY_AFTER_HEADERS = {"retry-after": "1", "retry-after-ms": "20"}


class FaultPlan:
    """Thread-safe source of faults; with one client calling in sequence, a seed replays exactly."""

    def __init__(self, error_rate: float = 0.0, seed: int = 0) -> None:
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError(f"error_rate must be between 0 and 1, got {error_rate}")
        self.error_rate = error_rate
        self._rng = random.Random(seed)
        self._queue: deque[str] = deque()
        self._lock = threading.Lock()

    def queue(self, *kinds: str) -> None:
        """Make the next model calls fail with `kinds`, in order, before any random fault."""
        unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s) {unknown}; choose from {list(FAULT_KINDS)}")
        with self._lock:
            self._queue.extend(kinds)

    def pending(self) -> list[str]:
        """Queued faults not yet served."""
        with self._lock:
            return list(self._queue)

    def next_fault(self) -> str | None:
        """The fault for the call arriving now, or None for a clean answer."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self.error_rate and self._rng.random() < self.error_rate:
                return self._rng.choice(RANDOM_FAULT_KINDS)
            return None
