"""`aipm rag ...` through typer's CliRunner (and `python -m products.rag_search` for real)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from frontdoors.cli import app
from tests.products.rag_search.corpus_files import BAD_FILES, GOOD_FILES, write_good_corpus

runner = CliRunner()
INGEST_KEYS = {"collection", "files_seen", "files_indexed", "files_unchanged", "files_skipped",
               "cancelled",
               "chunks_added", "chunks_removed", "seconds"}
RESULT_KEYS = {"rank", "source", "title", "heading", "page", "chunk_id", "score", "text"}
ANSWER_KEYS = {"answer", "citations", "abstained", "engine", "model", "latency_ms", "cost_usd"}
CITATION_KEYS = {"source", "chunk_id", "quote"}
ANSWERABLE = "How many days do I have to request a refund on an annual plan?"
OFF_TOPIC = "What is the boiling point of mercury on Venus?"


def rag(*args: str) -> Result:
    return runner.invoke(app, ["rag", *args])


def one_json(result: Result) -> dict[str, Any]:
    """The contract: stdout holds exactly one JSON object, on one line."""
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    payload = json.loads(lines[0])
    assert isinstance(payload, dict)
    return payload


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_good_corpus(tmp_path / "help")


@pytest.fixture
def ingested(corpus: Path) -> Path:
    result = rag("ingest", str(corpus), "--json")
    assert result.exit_code == 0, result.output
    return corpus


def test_ingest_json_prints_one_object_with_the_contract_keys(corpus: Path) -> None:
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    result = rag("ingest", str(corpus), "--json")
    assert result.exit_code == 0, result.output
    report = one_json(result)
    assert set(report) == INGEST_KEYS
    assert report["collection"] == "knowledge_base"
    assert (report["files_seen"], report["files_indexed"]) == (len(GOOD_FILES) + 1,
                                                              len(GOOD_FILES))
    [skipped] = report["files_skipped"]
    assert set(skipped) == {"path", "error"} and skipped["path"] == "broken.pdf"
    assert "not a readable PDF" in skipped["error"]
    assert report["chunks_added"] > 0 and isinstance(report["seconds"], float)
    again = one_json(rag("ingest", str(corpus), "--json"))
    assert (again["files_unchanged"], again["chunks_added"]) == (len(GOOD_FILES), 0)


def test_ingest_human_output_summarises_and_lists_skipped_files(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write_good_corpus(folder)
    (folder / BAD_FILES[1]).write_bytes(b"")
    result = rag("ingest", str(folder), "--collection", "team_docs")
    assert result.exit_code == 0, result.output
    assert f"Collection 'team_docs': {len(GOOD_FILES) + 1} files seen" in result.stdout
    assert f"skipped {BAD_FILES[1]}: {BAD_FILES[1]} is empty" in result.stderr


def test_ingest_of_a_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    assert_one_line_error(rag("ingest", str(tmp_path / "nope")), "does not exist")


def test_search_json_has_the_contract_keys(ingested: Path) -> None:
    result = rag("search", "single sign-on SAML", "--json", "-k", "3")
    assert result.exit_code == 0, result.output
    response = one_json(result)
    assert set(response) == {"query", "mode", "results"}
    assert (response["query"], response["mode"]) == ("single sign-on SAML", "hybrid")
    assert 1 <= len(response["results"]) <= 3
    assert all(set(item) == RESULT_KEYS for item in response["results"])
    top = response["results"][0]
    assert (top["rank"], top["source"], top["page"]) == (1, "handbook.pdf", 2)


def test_search_bm25_mode_and_where_filter(ingested: Path) -> None:
    bm25 = one_json(rag("search", "ERR-4012", "--mode", "bm25", "--json"))
    assert bm25["mode"] == "bm25" and bm25["results"][0]["source"] == "errors.txt"
    filtered = one_json(rag("search", "plan refund error export", "--where",
                            "source=billing/refunds.md", "-k", "10", "--json"))
    assert {item["source"] for item in filtered["results"]} == {"billing/refunds.md"}


def test_search_human_output_is_a_table(ingested: Path) -> None:
    result = rag("search", "ERR-4012", "--mode", "bm25")
    assert result.exit_code == 0, result.output
    assert "bm25 search" in result.stdout and "errors.txt" in result.stdout


@pytest.mark.parametrize(("args", "fragment"), [
    (("--mode", "fuzzy"), "--mode must be hybrid, dense or bm25"),
    (("--where", "sourceonly"), "--where needs key=value"),
])
def test_bad_search_options_are_one_line_errors(
    ingested: Path, args: tuple[str, ...], fragment: str
) -> None:
    assert_one_line_error(rag("search", "refund", *args), fragment)
    as_json = rag("search", "refund", *args, "--json")
    assert as_json.exit_code == 1 and one_json(as_json)["error"]["code"] == "bad_input"


def test_k_outside_its_range_is_a_usage_error(ingested: Path) -> None:
    assert rag("search", "refund", "-k", "0").exit_code == 2


def test_ask_json_answers_with_citations(ingested: Path) -> None:
    result = rag("ask", ANSWERABLE, "--json")
    assert result.exit_code == 0, result.output
    answer = one_json(result)
    assert set(answer) >= ANSWER_KEYS and "retrieved" not in answer
    assert (answer["abstained"], answer["engine"], answer["model"]) == (False, "extractive", None)
    assert "30 days" in answer["answer"] and answer["cost_usd"] == 0.0
    assert answer["citations"] and all(set(c) >= CITATION_KEYS for c in answer["citations"])
    assert answer["citations"][0]["source"] == "billing/refunds.md"
    assert "30 days" in answer["citations"][0]["quote"]


def test_ask_json_abstains_on_an_off_topic_question(ingested: Path) -> None:
    answer = one_json(rag("ask", OFF_TOPIC, "--json"))
    assert answer["abstained"] is True and answer["citations"] == []
    assert "don't know" in answer["answer"]
    assert answer["closest_sources"]  # where a person might look next


def test_ask_human_output_shows_the_answer_sources_and_engine(ingested: Path) -> None:
    result = rag("ask", ANSWERABLE)
    assert result.exit_code == 0, result.output
    assert "Annual plans can be refunded within 30 days of purchase." in result.stdout
    assert "Sources:" in result.stdout and "billing/refunds.md" in result.stdout
    assert "extractive baseline (no LLM)" in result.stdout


def test_ask_human_output_says_i_dont_know_plainly(ingested: Path) -> None:
    result = rag("ask", OFF_TOPIC)
    assert result.exit_code == 0, result.output
    assert "I don't know" in result.stdout and "Closest sources:" in result.stdout
    assert "\nSources:" not in result.stdout


@pytest.mark.parametrize("command", [("search", "refund"), ("ask", "How do refunds work?")])
def test_an_unknown_collection_says_how_to_create_it(
    ingested: Path, command: tuple[str, ...]
) -> None:
    result = rag(*command, "--collection", "nope_kb")
    assert_one_line_error(result, "No knowledge base named 'nope_kb'", "aipm rag ingest",
                          "Existing: knowledge_base")
    as_json = rag(*command, "--collection", "nope_kb", "--json")
    assert as_json.exit_code == 1
    error = one_json(as_json)["error"]
    assert error["code"] == "not_found" and "aipm rag ingest" in error["message"]
    names = [c["name"] for c in one_json(rag("collections", "--json"))["collections"]]
    assert names == ["knowledge_base"]  # asking never creates a collection


def test_an_empty_question_is_a_one_line_error(ingested: Path) -> None:
    assert_one_line_error(rag("ask", "   "), "question is empty")


def test_collections_and_drop(corpus: Path) -> None:
    assert one_json(rag("collections", "--json")) == {"collections": []}
    assert "No knowledge bases yet" in rag("collections").stdout
    rag("ingest", str(corpus), "--collection", "team_docs", "--json")
    listed = one_json(rag("collections", "--json"))["collections"]
    assert [(c["name"], c["embedder"], c["dimension"]) for c in listed] == [
        ("team_docs", "wordllama-l2supercat-256", 256)]  # the default embedder
    assert listed[0]["count"] > 0
    dropped = rag("drop", "team_docs")
    assert dropped.exit_code == 0 and "Deleted knowledge base 'team_docs'" in dropped.stdout
    assert one_json(rag("collections", "--json")) == {"collections": []}
    assert_one_line_error(rag("drop", "team_docs"), "No knowledge base named 'team_docs'")
    assert one_json(rag("drop", "team_docs", "--json"))["error"]["code"] == "not_found"


def test_drop_json_and_reingest_after_drop(corpus: Path) -> None:
    first = one_json(rag("ingest", str(corpus), "--json"))
    assert one_json(rag("drop", "knowledge_base", "--json")) == {"deleted": "knowledge_base"}
    again = one_json(rag("ingest", str(corpus), "--json"))
    assert (again["files_indexed"], again["chunks_added"]) == (len(GOOD_FILES),
                                                               first["chunks_added"])


def test_the_product_runs_on_its_own_as_a_module(repo_root: Path, corpus: Path) -> None:
    helped = subprocess.run([sys.executable, "-m", "products.rag_search", "--help"],
                            capture_output=True, text=True, cwd=repo_root, check=False)
    assert helped.returncode == 0, helped.stderr
    for command in ("ingest", "search", "ask", "collections", "drop"):
        assert command in helped.stdout
    ingest = subprocess.run([sys.executable, "-m", "products.rag_search", "ingest", str(corpus),
                             "--json"], capture_output=True, text=True, cwd=repo_root, check=False)
    assert ingest.returncode == 0, ingest.stderr
    assert json.loads(ingest.stdout)["files_indexed"] == len(GOOD_FILES)


def test_another_embedder_is_a_one_line_error_and_reindex_fixes_it(
        ingested: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built with the default (WordLlama); asked with hashing: never silently wrong vectors."""
    monkeypatch.setenv("AIPM_EMBEDDER", "hashing")
    assert_one_line_error(rag("ask", "How long is the refund window?"),
                          "built with wordllama-l2supercat-256", "--reindex",
                          "AIPM_EMBEDDER=wordllama")
    rebuilt = one_json(rag("ingest", str(ingested), "--reindex", "--json"))
    assert rebuilt["chunks_added"] > 0
    listed = one_json(rag("collections", "--json"))["collections"]
    assert [c["embedder"] for c in listed] == ["hashing-v1-1024"]
    assert rag("ask", "How long is the refund window?").exit_code == 0


NOT_ON_THE_KEYLESS_ASK_PATH = ("openai", "anthropic", "bm25s", "scipy", "sklearn", "streamlit",
                               "fastapi", "uvicorn", "lxml", "pypdf", "shared.llm.client",
                               "shared.ops", "products.rag_search.core.ingest", "wordllama")


def test_a_keyless_one_shot_ask_imports_no_sdk_nor_index_builder(
        ingested: Path, repo_root: Path) -> None:
    """A one-shot `aipm rag ask` pays for every import: no provider SDK, no bm25s/scipy (the
    saved index is read with numpy), no document loaders, no LLM client or trace reports."""
    script = ("import sys\nfrom frontdoors.cli import main\n"
              "sys.argv = ['aipm', 'rag', 'ask', '--json', sys.argv[1]]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              f"print(sorted(m for m in {NOT_ON_THE_KEYLESS_ASK_PATH!r} if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script, ANSWERABLE], capture_output=True,
                          text=True, timeout=180, check=True, cwd=repo_root)
    answer_line, imported = done.stdout.strip().splitlines()
    assert json.loads(answer_line)["citations"], done.stderr
    assert imported == "[]", imported
