"""WordLlama's bundled model, run with tokenizers and safetensors alone (no `import wordllama`).

`import wordllama` costs ~70 ms before any work (it imports requests, urllib3 and its training
helpers, and calls `logging.basicConfig` on the root logger), and its loader converts the whole
float16 matrix to float32 (~40 ms). A one-shot `aipm rag ask` pays both to embed one question.
What the default embedder needs is small: the wheel's tokenizer file and weight matrix, and
WordLlama's inference — tokenize (padding on, no truncation, no special tokens), look the ids
up, average over the attention mask, divide by the norm — repeated here step for step, in
batches of 64 like `WordLlamaInference.embed`, so the vectors are the same
(`tests/shared/test_wordllama.py` compares them with the package's own).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS_FILE = "weights/l2_supercat_256.safetensors"
TOKENIZER_FILE = "tokenizers/l2_supercat_tokenizer_config.json"
TENSOR_KEY = "embedding.weight"
BATCH_SIZE = 64  # = WordLlamaInference.embed's default
FEW_TEXTS = 8  # up to this many, rows are converted one by one; more (ingest), the whole matrix


def wordllama_folder() -> Path | None:
    """The installed package's folder, found without importing it; None when not installed."""
    spec = importlib.util.find_spec("wordllama")
    return Path(spec.origin).parent if spec is not None and spec.origin else None


class StaticEmbedder:
    """The l2_supercat 256-dimension static embeddings, normalised mean of token vectors."""

    def __init__(self, folder: Path) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        self.tokenizer: Any = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self.tokenizer.enable_padding()
        self.tokenizer.no_truncation()
        with safe_open(str(folder / WEIGHTS_FILE), framework="np", device="cpu") as weights:
            self.weights: np.ndarray = weights.get_tensor(TENSOR_KEY)  # float16, as shipped
        self._weights32: np.ndarray | None = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (float32), computed as WordLlama computes it."""
        vectors = np.empty((len(texts), self.weights.shape[1]), dtype=np.float32)
        table = self.weights if len(texts) <= FEW_TEXTS else self._float32_weights()
        for start in range(0, len(texts), BATCH_SIZE):
            batch = list(texts[start:start + BATCH_SIZE])
            vectors[start:start + len(batch)] = self._embed_batch(batch, table)
        return vectors

    def _float32_weights(self) -> np.ndarray:
        """The whole matrix as float32, made once: a gather from it is faster for many texts
        (ingest); a question needs only its own rows, converted as they are looked up."""
        if self._weights32 is None:
            self._weights32 = np.ascontiguousarray(self.weights.astype(np.float32))
        return self._weights32

    def _embed_batch(self, texts: list[str], table: np.ndarray) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts, is_pretokenized=False,
                                              add_special_tokens=False)
        ids = np.array([item.ids for item in encoded], dtype=np.int32)
        mask = np.array([item.attention_mask for item in encoded], dtype=np.float32)
        np.clip(ids, 0, self.weights.shape[0] - 1, out=ids)
        tokens = table[ids].astype(np.float32, copy=False)  # equal values either way
        counts = np.maximum(mask.sum(axis=1, keepdims=True), 1.0).astype(np.float32)
        pooled = np.sum(tokens * mask[..., np.newaxis], axis=1, dtype=np.float32) / counts
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled


__all__ = ["StaticEmbedder", "wordllama_folder"]
