"""Embedders: the WordLlama default, hashing, the registry, MiniLM offline, OpenAI via the fake."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from shared.config import Settings, load_settings
from shared.embeddings import (
    EMBEDDERS,
    HASHING_DIMENSION,
    Embedder,
    HashingEmbedder,
    LLMEmbedder,
    MiniLMEmbedder,
    WordLlamaEmbedder,
    embedder_key_for,
    get_embedder,
    register_embedder,
)
from shared.errors import BadInput, MissingKey, ProviderUnreachable
from shared.testing.fake_provider import FakeProvider


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (
        math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def test_default_embedder_is_the_bundled_offline_wordllama() -> None:
    embedder = get_embedder(load_settings())
    assert isinstance(embedder, WordLlamaEmbedder)
    assert isinstance(embedder, Embedder)
    assert (embedder.name, embedder.dimension) == ("wordllama-l2supercat-256", 256)
    assert len(embedder.embed_query("refund")) == 256  # loads from the wheel, no network


def test_wordllama_gives_a_batch_as_one_matrix_of_the_same_vectors() -> None:
    embedder = WordLlamaEmbedder()
    texts = ["refund takes weeks", "battery drains overnight"]
    matrix = embedder.embed_array(texts)
    assert matrix.shape == (2, 256)
    assert matrix.tolist() == embedder.embed_documents(texts)
    assert embedder.embed_array([]).shape == (0, 256)


def test_hashing_stays_available_as_the_fallback() -> None:
    embedder = get_embedder(load_settings(embedder="hashing"))
    assert isinstance(embedder, HashingEmbedder)
    assert embedder.name == f"hashing-v1-{HASHING_DIMENSION}"
    assert embedder.dimension == HASHING_DIMENSION


def test_hashing_is_deterministic_normalised_and_batch_consistent() -> None:
    texts = ["Reset your password from the login page.", "Invoices are sent monthly."]
    first, second = HashingEmbedder(), HashingEmbedder()
    batch = first.embed_documents(texts)
    assert batch == second.embed_documents(texts)
    assert batch[1] == first.embed_query(texts[1])
    for vector in batch:
        assert len(vector) == first.dimension
        assert math.isclose(math.fsum(x * x for x in vector), 1.0, rel_tol=1e-5)
    assert first.embed_documents([]) == []


def test_hashing_puts_similar_texts_closer_than_unrelated_ones() -> None:
    embedder = HashingEmbedder()
    query = embedder.embed_query("how do I reset my password")
    related = embedder.embed_query("To reset your password, open the login page and click reset.")
    unrelated = embedder.embed_query("Quarterly revenue grew in the enterprise segment.")
    assert cosine(query, related) > cosine(query, unrelated) + 0.2


def test_hashing_uses_word_pairs_so_word_order_matters() -> None:
    embedder = HashingEmbedder()
    a = embedder.embed_query("dog bites man")
    b = embedder.embed_query("man bites dog")
    assert 0.3 < cosine(a, b) < 0.99


def test_hashing_dimension_is_part_of_the_name() -> None:
    small = HashingEmbedder(dimension=256)
    assert small.name == "hashing-v1-256"
    assert len(small.embed_query("hello world")) == 256


def test_registry_builds_each_embedder_without_network_and_names_start_with_key() -> None:
    settings = load_settings()
    for key in ("hashing", "openai", "ollama", "minilm"):
        embedder = get_embedder(load_settings(embedder=key))
        assert embedder.name.startswith(f"{key}-")
        assert embedder_key_for(embedder.name) == key
    assert get_embedder(settings.model_copy(update={"embedder": " Hashing "})).name.startswith(
        "hashing-")


def test_known_llm_embedding_models_know_their_dimension_without_a_call() -> None:
    assert get_embedder(load_settings(embedder="openai")).dimension == 1536
    assert get_embedder(load_settings(embedder="ollama")).dimension == 768
    assert get_embedder(load_settings(embedder="minilm")).dimension == 384


def test_unknown_embedder_lists_the_valid_names() -> None:
    with pytest.raises(BadInput) as caught:
        get_embedder(load_settings(embedder="word2vec"))
    message = caught.value.message
    assert "word2vec" in message and "AIPM_EMBEDDER" in message
    for key in ("hashing", "minilm", "ollama", "openai"):
        assert key in message


@pytest.fixture
def tiny_embedder_registered() -> Iterator[str]:
    @register_embedder("tiny")
    def _tiny(settings: Settings, product: str) -> Embedder:
        return HashingEmbedder(dimension=32)

    yield "tiny"
    EMBEDDERS.pop("tiny")


def test_register_embedder_adds_a_name(tiny_embedder_registered: str) -> None:
    embedder = get_embedder(load_settings(embedder=tiny_embedder_registered))
    assert embedder.dimension == 32


def test_minilm_offline_gives_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    embedder = MiniLMEmbedder(model_dir=tmp_path / "onnx-cache")
    with pytest.raises(ProviderUnreachable) as caught:
        embedder.embed_query("hello")
    message = caught.value.message
    assert "one-time download" in message
    assert "AIPM_EMBEDDER=hashing" in message


def fake_settings(fake: FakeProvider, **extra: object) -> Settings:
    return load_settings(provider="openai", openai_api_key="test-key", embedder="openai",
                         openai_base_url=fake.openai_base_url, llm_timeout_s=5.0,
                         llm_max_retries=0, **extra)


def test_openai_embedder_through_the_fake_provider(fake_provider: FakeProvider) -> None:
    embedder = get_embedder(fake_settings(fake_provider), product="rag_search")
    vectors = embedder.embed_documents(["reset password", "password reset help", "tax forms"])
    assert len(vectors) == 3 and all(len(v) == embedder.dimension == 1536 for v in vectors)
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2])
    assert embedder.embed_query("reset password") == vectors[0]
    models = {request["model"] for request in fake_provider.requests}
    assert models == {"text-embedding-3-small"}


def test_llm_embedder_discovers_an_unknown_models_dimension(fake_provider: FakeProvider) -> None:
    embedder = LLMEmbedder(fake_settings(fake_provider), "openai:text-embedding-3-small-custom")
    assert embedder.name == "openai-text-embedding-3-small-custom"
    assert embedder.dimension == 1536
    assert len(fake_provider.requests) == 1


def test_openai_embedder_without_a_key_says_how_to_add_one() -> None:
    embedder = get_embedder(load_settings(embedder="openai"))
    with pytest.raises(MissingKey, match="OPENAI_API_KEY"):
        embedder.embed_query("hello")


def test_minilm_blocked_connection_is_the_same_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where DNS works, the download reaches `connect` and the network guard refuses it."""
    import socket

    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)
    with pytest.raises(ProviderUnreachable, match="AIPM_EMBEDDER=hashing") as caught:
        MiniLMEmbedder(model_dir=tmp_path / "onnx-cache").embed_documents(["hello"])
    assert "non-loopback" in caught.value.message  # the guard's own NetworkBlocked message


def test_wordllama_loads_offline_from_its_wheel_and_is_semantic() -> None:
    """The bundled model loads with sockets blocked, and a paraphrase beats an unrelated text."""
    embedder = get_embedder(load_settings(embedder="wordllama"))
    query, paraphrase, unrelated = embedder.embed_documents(
        ["How do I get my money back?", "Requesting a refund", "Configure the webhook URL"])
    assert embedder.name.startswith("wordllama-") and len(query) == embedder.dimension == 256
    assert cosine(query, paraphrase) > cosine(query, unrelated) + 0.2
    assert embedder.embed_query("Requesting a refund") == paraphrase


def test_the_default_embedder_never_imports_scikit_learn() -> None:
    """scikit-learn costs ~2 s to import; only the hashing fallback needs it."""
    script = ("import sys\nfrom shared.config import load_settings\n"
              "from shared.embeddings import get_embedder\n"
              "get_embedder(load_settings()).embed_query('refund window')\n"
              "print('sklearn' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "False"


def test_word_vectors_are_unit_rows_in_order_and_the_cache_stays_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shared import embeddings

    monkeypatch.setattr(embeddings, "WORD_CACHE_SIZE", 3)
    monkeypatch.setattr(embeddings, "_word_table", embeddings._WordTable())
    vectors = embeddings.word_vectors(["largest", "biggest", "largest"])
    assert vectors.shape == (3, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert np.allclose(vectors[0], vectors[2]) and float(vectors[0] @ vectors[1]) > 0.6
    harbour = embeddings.word_vectors(["harbour", "town"])
    assert len(embeddings._word_table.rows) <= 3
    assert np.allclose(embeddings.word_vectors(["harbour"])[0], harbour[0])
    assert embeddings.word_vectors([]).shape == (0, 256)


def test_word_vectors_are_none_without_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared import embeddings

    def missing() -> None:
        raise embeddings.BadInput("no wordllama")

    monkeypatch.setattr(embeddings, "_wordllama_model", missing)
    assert embeddings.word_vectors(["largest"]) is None
