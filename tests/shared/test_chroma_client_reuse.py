"""Opening the embedded store again in one process reuses its Chroma client.

Every API request and page rerun opens the vector store; building Chroma's settings (which
reads the environment and `.env`) and a PersistentClient cost more than the search after it.
Chroma already shares one System per folder in a process, so one client per folder shares
nothing new: stores on the same folder see each other's writes, other folders stay apart.
"""

from __future__ import annotations

from pathlib import Path

from shared._chroma import _chroma_settings
from shared.config import load_settings
from shared.embeddings import HashingEmbedder
from shared.vectorstore import Chunk, VectorStore


def embedded(data_dir: Path) -> VectorStore:
    settings = load_settings(data_dir=data_dir, chroma_host=None, provider="none")
    return VectorStore(settings, HashingEmbedder())


def test_one_client_per_folder_and_writes_seen_through_either(tmp_path: Path) -> None:
    first, again = embedded(tmp_path / "a"), embedded(tmp_path / "a")
    other = embedded(tmp_path / "b")
    assert first._client is again._client
    assert other._client is not first._client
    first.collection("notes").add([Chunk(text="refunds take five days",
                                         metadata={"source": "a.md"})])
    assert again.collection("notes").count() == 1
    assert not other.has_collection("notes")


def test_each_client_gets_its_own_chroma_settings_with_telemetry_off(tmp_path: Path) -> None:
    """chromadb writes a client's path into its settings: a shared object would move the
    first store's folder to the last one's."""
    first, other = embedded(tmp_path / "a"), embedded(tmp_path / "b")
    assert _chroma_settings() is not _chroma_settings()
    assert _chroma_settings().anonymized_telemetry is False
    first_settings = first._client.get_settings()
    assert first_settings is not other._client.get_settings()
    assert first_settings.persist_directory == str(tmp_path / "a" / "chroma")
