"""Embedders: turn text into vectors, behind one small interface and one registry.

`AIPM_EMBEDDER` picks one by name. The default, `wordllama`, is semantic and offline: its weights
ship inside its wheel, so `make demo` works on a fresh machine with no download and no torch.
`hashing` is the lexical, instant fallback (scikit-learn is imported only when it is chosen);
`openai` / `ollama` go through `shared.llm`
(which owns keys, retries and tracing); `minilm` is Chroma's ONNX MiniLM for users who are online.

Every embedder's `name` starts with its registry key and a dash ("hashing-v1-1024"); the vector
store records that name in each collection, so a collection built by one embedder is never
silently queried with another.
"""

from __future__ import annotations

import functools
import tarfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from shared.config import Settings
from shared.errors import BadInput, ProviderUnreachable

if TYPE_CHECKING:
    from shared.llm import LLMClient

HASHING_VERSION = "v1"  # bump when tokenisation or hashing changes: old collections must re-index
HASHING_DIMENSION = 1024
LLM_BATCH_SIZE = 512  # texts per embeddings request: well under OpenAI's 2048-input limit

KNOWN_DIMENSIONS: dict[str, int] = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
    "nomic-embed-text": 768,
    "mxbai-embed-large": 1024,
    "all-minilm": 384,
}


@runtime_checkable
class Embedder(Protocol):
    """What the vector store needs from an embedder; `name` + `dimension` identify an index.

    Both are read-only properties here so a plain attribute or a lazy property satisfies them.
    """

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class HashingEmbedder:
    """Feature hashing of words and word pairs, L2-normalised: offline, instant, deterministic.

    No vocabulary is fitted, so the same text always maps to the same vector on every machine.
    `alternate_sign=True` makes hash collisions cancel out on average instead of inflating the
    similarity of unrelated texts. The vectorizer is built once: `embed_query` sits on the
    query hot path (~0.2 ms per call).
    """

    def __init__(self, dimension: int = HASHING_DIMENSION) -> None:
        import numpy as np
        from sklearn.feature_extraction.text import HashingVectorizer

        self.dimension = dimension
        self.name = f"hashing-{HASHING_VERSION}-{dimension}"
        self._vectorizer = HashingVectorizer(
            n_features=dimension, ngram_range=(1, 2), alternate_sign=True, norm="l2",
            dtype=np.float32,
        )

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """One sparse transform for the whole batch; much faster than text by text."""
        if not texts:
            return []
        return self._vectorizer.transform(list(texts)).toarray().tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._vectorizer.transform([text]).toarray()[0].tolist()


class LLMEmbedder:
    """Embeddings from a provider through `shared.llm`, which owns keys, retries and tracing.

    The client is created on first use, so choosing this embedder costs nothing until text is
    embedded (and a missing key surfaces as the LLM layer's own MissingKey message).
    """

    def __init__(self, settings: Settings, model_id: str, product: str = "shared") -> None:
        provider, _, model = model_id.partition(":")
        self._settings = settings
        self._model_id = model_id
        self._model = model
        self._product = product
        self._client: LLMClient | None = None
        self._dimension: int | None = KNOWN_DIMENSIONS.get(model)
        self.name = f"{provider}-{model}"

    @property
    def dimension(self) -> int:
        """Known models answer from a table; others are asked once with a one-word probe."""
        if self._dimension is None:
            self._dimension = len(self.embed_query("dimension probe"))
        return self._dimension

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), LLM_BATCH_SIZE):
            batch = list(texts[start : start + LLM_BATCH_SIZE])
            vectors.extend(self._llm().embed(batch, model=self._model).vectors)
        if vectors and self._dimension is None:
            self._dimension = len(vectors[0])
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def _llm(self) -> LLMClient:
        if self._client is None:
            from shared.llm import get_llm

            self._client = get_llm(self._settings, product=self._product, model=self._model_id)
        return self._client


class MiniLMEmbedder:
    """Chroma's ONNX all-MiniLM-L6-v2 (384 dimensions), downloaded once (~80 MB) on first use.

    Nothing is downloaded until the first text is embedded; a failed download becomes one
    clear error instead of an httpx traceback. `model_dir` overrides Chroma's cache folder.
    """

    name = "minilm-l6-v2-384"
    dimension = 384

    def __init__(self, model_dir: Path | None = None) -> None:
        self._model_dir = model_dir
        self._function: Callable[[list[str]], Any] | None = None

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return [[float(x) for x in row] for row in self._embedding_function()(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def _embedding_function(self) -> Callable[[list[str]], Any]:
        if self._function is None:
            self._function = _load_minilm(self._model_dir)
        return self._function


def _load_minilm(model_dir: Path | None) -> Callable[[list[str]], Any]:
    """Build Chroma's ONNX function and embed one word, which triggers the one-time download."""
    import httpx
    from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2

    function = ONNXMiniLM_L6_V2()
    if model_dir is not None:
        function.DOWNLOAD_PATH = model_dir
    try:
        function(["warm up"])
    # RuntimeError: a blocked socket (offline sandboxes); ValueError: bad checksum or missing
    # onnxruntime; OSError/httpx: no network, DNS, disk. All mean "the model is not usable here".
    except (httpx.HTTPError, OSError, RuntimeError, ValueError, tarfile.TarError) as exc:
        raise ProviderUnreachable(
            "The minilm embedder needs a one-time download of its ONNX model (~80 MB) from "
            f"chroma-onnx-models.s3.amazonaws.com, and it failed ({type(exc).__name__}: {exc}). "
            "Connect to the internet once and retry, or set AIPM_EMBEDDER=hashing to stay offline."
        ) from exc
    return function


class WordLlamaEmbedder:
    """WordLlama's static token embeddings (256 dimensions) whose weights ship inside its wheel.

    No torch and no download: the weights and tokenizer sit in the installed package and are
    read from its folder by `shared._wordllama` (never the package's own loader, whose default
    cache folder is elsewhere and would try the network). It is semantic where hashing is only
    lexical: "refund" lands near "money back". The model loads once per process (~0.2 s).
    """

    name = "wordllama-l2supercat-256"
    dimension = 256

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return _wordllama_model().embed(list(texts)).tolist()

    def embed_array(self, texts: Sequence[str]) -> Any:
        """The batch as one (rows x 256) numpy matrix, for callers that only do arithmetic on
        it: building the per-row lists costs about as much as a 256-term dot product."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension))
        return _wordllama_model().embed(list(texts))

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


@functools.cache
def _wordllama_model() -> Any:
    """Load the bundled model from site-packages; a missing package says how to install it.

    Read by `shared._wordllama` with tokenizers and safetensors, not through `import wordllama`
    (~0.1 s less per process, same vectors; see that module)."""
    from shared._wordllama import StaticEmbedder, wordllama_folder

    folder = wordllama_folder()
    if folder is None:
        raise BadInput("The wordllama embedder needs the `wordllama` package: run `make setup`, "
                       "or set AIPM_EMBEDDER=hashing.")
    return StaticEmbedder(folder)


WORD_CACHE_SIZE = 100_000  # distinct words kept; a corpus's vocabulary, not a dictionary's


class _WordTable:
    """Word -> row of one float32 matrix that grows by doubling: a lookup of a thousand words
    is one dict pass and one fancy-index, not a thousand small arrays stacked."""

    def __init__(self) -> None:
        import numpy as np

        self.rows: dict[str, int] = {}
        self.matrix = np.zeros((1024, WordLlamaEmbedder.dimension), dtype=np.float32)

    def add(self, words: list[str], vectors: Any) -> None:
        import numpy as np

        needed = len(self.rows) + len(words)
        if needed > len(self.matrix):
            grown = np.zeros((max(needed, 2 * len(self.matrix)), self.matrix.shape[1]),
                             dtype=np.float32)
            grown[:len(self.rows)] = self.matrix[:len(self.rows)]
            self.matrix = grown
        start = len(self.rows)
        self.matrix[start:start + len(words)] = vectors
        self.rows.update((word, start + i) for i, word in enumerate(words))


_word_table: _WordTable | None = None  # made on first use: importing this module stays cheap


def word_vectors(words: Sequence[str]) -> Any | None:
    """One unit vector per word (a numpy array, rows in order) from WordLlama's bundled static
    table, or None when the package is not installed (callers then match words exactly).

    For word-level matching ("biggest" near "largest"), not for documents: one embed call
    for the words not seen before, then a table (emptied when it reaches WORD_CACHE_SIZE,
    so a long-running server does not grow without bound)."""
    global _word_table

    try:
        model = _wordllama_model()
    except BadInput:
        return None
    if _word_table is None:
        _word_table = _WordTable()
    rows = _word_table.rows
    new = list(dict.fromkeys(w for w in words if w not in rows))
    if len(rows) + len(new) > WORD_CACHE_SIZE:
        _word_table = _WordTable()
        rows, new = _word_table.rows, list(dict.fromkeys(words))
    if new:
        _word_table.add(new, model.embed(new))
    return _word_table.matrix[[rows[w] for w in words]]


EmbedderFactory = Callable[[Settings, str], Embedder]
EMBEDDERS: dict[str, EmbedderFactory] = {}


def register_embedder(key: str) -> Callable[[EmbedderFactory], EmbedderFactory]:
    """Add an embedder under an `AIPM_EMBEDDER` name; its `name` must start with `key-`."""

    def decorate(factory: EmbedderFactory) -> EmbedderFactory:
        EMBEDDERS[key] = factory
        return factory

    return decorate


@register_embedder("hashing")
def _hashing(settings: Settings, product: str) -> Embedder:
    return HashingEmbedder()


@register_embedder("wordllama")
def _wordllama(settings: Settings, product: str) -> Embedder:
    return WordLlamaEmbedder()


@register_embedder("openai")
def _openai(settings: Settings, product: str) -> Embedder:
    return LLMEmbedder(settings, "openai:text-embedding-3-small", product)


@register_embedder("ollama")
def _ollama(settings: Settings, product: str) -> Embedder:
    return LLMEmbedder(settings, "ollama:nomic-embed-text", product)


@register_embedder("minilm")
def _minilm(settings: Settings, product: str) -> Embedder:
    return MiniLMEmbedder()


def get_embedder(settings: Settings, product: str = "shared") -> Embedder:
    """The embedder `AIPM_EMBEDDER` names; `product` labels LLM embedding calls in the traces."""
    key = settings.embedder.strip().lower()
    factory = EMBEDDERS.get(key)
    if factory is None:
        valid = ", ".join(sorted(EMBEDDERS))
        raise BadInput(f"Unknown embedder '{settings.embedder}'. Set AIPM_EMBEDDER to one of: "
                       f"{valid}.")
    return factory(settings, product)


def embedder_key_for(name: str) -> str | None:
    """The `AIPM_EMBEDDER` value that builds an embedder called `name` ("hashing-v1-1024")."""
    return next((key for key in EMBEDDERS if name.startswith(f"{key}-")), None)


__all__ = [
    "EMBEDDERS",
    "HASHING_DIMENSION",
    "Embedder",
    "HashingEmbedder",
    "LLMEmbedder",
    "MiniLMEmbedder",
    "WordLlamaEmbedder",
    "embedder_key_for",
    "get_embedder",
    "register_embedder",
    "word_vectors",
]
