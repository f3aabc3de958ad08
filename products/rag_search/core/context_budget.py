"""How much source text fits in the model's context window, with room left for the answer.

k passages of up to a chunk each can outgrow a small window (a local 4k-token Ollama model,
k=20): the provider then cuts the prompt or fails, and the answer silently loses its sources.
So the prompt is measured before it is sent: passages are kept best-first while they fit,
the rest are left out with a warning, and one passage too long on its own is shortened.

Windows are looked up by model-name prefix; an unknown model gets a safe default rather than
a guess. Ollama serves every model with its default context (4,096 tokens) unless configured
otherwise, so the Ollama provider gets that whatever the model could hold. Tokens are
estimated at 3 characters each, on the safe side of the ~4 of English prose (code and
non-English text are denser).
"""

from __future__ import annotations

from collections.abc import Sequence

CHARS_PER_TOKEN = 3
DEFAULT_WINDOW = 8_192
OLLAMA_WINDOW = 4_096
SAFETY_TOKENS = 256  # chat-format overhead per message and the estimate's error
MODEL_WINDOWS = {  # longest matching prefix wins
    "gpt-4.1": 1_047_576, "gpt-4o": 128_000, "gpt-4-turbo": 128_000, "gpt-4": 8_192,
    "gpt-3.5-turbo": 16_385, "gpt-5": 400_000, "o1": 200_000, "o3": 200_000, "o4": 200_000,
    "claude": 200_000,
}
SHORTENED = " […passage shortened to fit the model's context window]"


def context_window(provider: str, model: str) -> int:
    """The model's context window in tokens (DEFAULT_WINDOW when the model is unknown)."""
    if provider == "ollama":
        return OLLAMA_WINDOW
    matches = [prefix for prefix in MODEL_WINDOWS if model.lower().startswith(prefix)]
    return MODEL_WINDOWS[max(matches, key=len)] if matches else DEFAULT_WINDOW


def tokens_in(text: str) -> int:
    return -(-len(text) // CHARS_PER_TOKEN)


def source_budget(window: int, fixed_text: str, answer_tokens: int) -> int:
    """Characters of source text that fit beside the fixed prompt text and the answer."""
    free = window - tokens_in(fixed_text) - answer_tokens - SAFETY_TOKENS
    return max(0, free) * CHARS_PER_TOKEN


def fitting_count(sizes: Sequence[int], budget_chars: int) -> int:
    """How many blocks, best first, fit in the budget (0 when even the first does not)."""
    used = 0
    for count, size in enumerate(sizes):
        used += size + 1
        if used > budget_chars:
            return count
    return len(sizes)


def shorten(text: str, budget_chars: int) -> str:
    """The start of a passage too long to fit on its own, marked as shortened."""
    room = max(0, budget_chars - len(SHORTENED))
    return text[:room] + SHORTENED


__all__ = ["DEFAULT_WINDOW", "MODEL_WINDOWS", "context_window", "fitting_count", "shorten",
           "source_budget", "tokens_in"]
