"""The kit's own WordLlama runner gives the package's vectors, without importing the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import wordllama

from shared._wordllama import StaticEmbedder, wordllama_folder

TEXTS = ["How do I get my money back?", "Requesting a refund", "Configure the webhook URL",
         "x", "  leading and trailing spaces  ", "Ünïcödé — “quotes”, emoji 🎉 and 日本語",
         "A much longer passage. " * 200]


def package_vectors(texts: list[str]) -> np.ndarray:
    folder = Path(wordllama.__file__).parent
    model = wordllama.WordLlama.load(dim=256, cache_dir=folder, disable_download=True)
    return model.embed(texts, norm=True)


def test_vectors_equal_the_packages_own_across_batches() -> None:
    """150 texts: three batches of 64 with different padding lengths, like the package's."""
    texts = [f"{text} {number}" for number in range(22) for text in TEXTS][:150]
    folder = wordllama_folder()
    assert folder == Path(wordllama.__file__).parent
    ours = StaticEmbedder(folder).embed(texts)
    assert ours.shape == (150, 256) and ours.dtype == np.float32
    assert np.array_equal(ours, package_vectors(texts))
    few = StaticEmbedder(folder).embed(texts[:3])  # rows converted one by one: same values
    assert np.array_equal(few, package_vectors(texts[:3])) and np.array_equal(few, ours[:3])


def test_loading_the_default_embedder_does_not_import_the_package(repo_root: Path) -> None:
    """`import wordllama` (requests, urllib3, a root logging handler) is ~70 ms per process."""
    script = ("import logging, sys\nfrom shared.config import load_settings\n"
              "from shared.embeddings import get_embedder\n"
              "vector = get_embedder(load_settings()).embed_query('refund window')\n"
              "print(len(vector), 'wordllama' in sys.modules, 'requests' in sys.modules,"
              " bool(logging.getLogger().handlers))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True, cwd=repo_root)
    assert done.stdout.split() == ["256", "False", "False", "False"]
