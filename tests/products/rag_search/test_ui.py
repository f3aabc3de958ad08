"""The RAG page through AppTest: badge, ingest (folder and upload), chat, abstain, errors, LLM.

The chat's own behaviour (history, follow-ups, source pills, filters) is in test_ui_chat.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import products
from products.rag_search.ui_ingest import current_job
from shared.config import load_settings
from shared.testing.fake_provider import FakeProvider
from tests.products.rag_search.responders import answer_from_s1, first_sentence

PRODUCTS_DIR = Path(products.__file__).resolve().parent
PAGE = str(PRODUCTS_DIR / "rag_search" / "ui.py")
BASELINE_BADGE = ":orange-badge[Baseline mode — no LLM key found]"
ANSWERABLE = "When does the password reset link expire?"
OFF_TOPIC = "What is the capital of Mongolia?"

DOCS = {
    "accounts.md": "# Accounts\n\n## Resetting a password\nTo reset your password, open Settings, "
                   "choose Security and press Send reset link. The link expires after two hours.\n",
    "shipping.md": "# Shipping\n\n## Delivery times\nStandard parcels arrive in three to five "
                   "working days. Express parcels arrive the next working day.\n",
    "refunds.md": "# Refunds\n\n## Refund window\nCustomers can ask for a refund within 30 days "
                  "of purchase. Later refunds need approval from a team lead.\n",
}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """Three small help-centre pages and one file the kit cannot read."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    (folder / "notes.xyz").write_text("A format the kit does not read.")
    return folder


def run_page() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=30).run()
    assert_no_exception(app)
    return app


def assert_no_exception(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]


def markdown_of(app: AppTest) -> list[str]:
    return [element.value for element in app.markdown]


def metrics_of(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def wait_for_ingest(app: AppTest, collection: str = "knowledge_base") -> AppTest:
    """The ingest runs in a thread (ui_ingest.py): wait for it, then rerun as the page's
    poll would, so the report and the chunk count are drawn."""
    job = current_job(load_settings(), collection)
    if job is not None:
        job.wait(60)
        assert not job.running
    app.run()
    assert_no_exception(app)
    return app


def index_folder(app: AppTest, folder: Path | str) -> AppTest:
    app.text_input(key="rag_folder").set_value(str(folder))
    app.button(key="rag_index_folder").click().run()
    assert_no_exception(app)
    return wait_for_ingest(app)


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input(key="rag_question").set_value(question).run()
    assert_no_exception(app)
    return app


def open_source(app: AppTest, label: str = "S1", key: str = "rag_cite_0") -> AppTest:
    app.pills(key=key).set_value(label).run()
    assert_no_exception(app)
    return app


def test_page_renders_keyless_with_the_baseline_badge_and_sample_folder() -> None:
    app = run_page()
    assert [t.value for t in app.title] == ["RAG knowledge search"]
    assert BASELINE_BADGE in markdown_of(app)
    assert any("extractive answers, no LLM" in c.value for c in app.caption)
    assert [tab.label for tab in app.tabs] == ["Chat", "Add documents", "Search"]
    assert app.selectbox(key="rag_collection").value == "knowledge_base"
    assert app.text_input(key="rag_folder").value == str(PRODUCTS_DIR / "rag_search" / "data")
    assert "This knowledge base is empty" in app.info[0].value
    assert not app.error


def test_asking_before_any_ingest_is_an_error_message() -> None:
    app = ask(run_page(), ANSWERABLE)
    assert "No knowledge base named 'knowledge_base'" in app.error[0].value


def test_folder_ingest_shows_the_report_and_then_counts_unchanged_files(docs: Path) -> None:
    app = index_folder(run_page(), docs)
    metrics = metrics_of(app)
    assert {key: metrics[key] for key in ("Indexed", "Unchanged", "Skipped")} == {
        "Indexed": "3", "Unchanged": "0", "Skipped": "1"}
    assert int(metrics["Chunks added"]) >= 3
    skipped = app.dataframe[0].value
    assert list(skipped["file"]) == ["notes.xyz"] and skipped["reason"][0]
    assert any(f"{metrics['Chunks added']} chunks" in c.value for c in app.caption)
    assert not app.info  # the "empty knowledge base" hint is gone

    index_folder(app, docs)
    assert {key: metrics_of(app)[key] for key in ("Indexed", "Unchanged", "Chunks added")} == {
        "Indexed": "0", "Unchanged": "3", "Chunks added": "0"}


def test_uploaded_files_are_indexed() -> None:
    app = run_page()
    name, text = next(iter(DOCS.items()))
    app.file_uploader(key="rag_uploads").set_value([(name, text.encode(), "text/markdown")])
    app.run()
    app.button(key="rag_index_uploads").click().run()
    wait_for_ingest(app)
    assert metrics_of(app)["Indexed"] == "1"


def test_answerable_question_gets_the_fact_and_clickable_citations(docs: Path) -> None:
    app = ask(index_folder(run_page(), docs), ANSWERABLE)
    assert any("two hours" in text for text in markdown_of(app))
    pills = app.pills(key="rag_cite_0")
    assert pills.options[0].startswith("[S1] accounts.md")
    open_source(app)
    passage = next(text for text in markdown_of(app) if ":orange-background[" in text)
    assert "Send reset link" in passage and "two hours" in passage  # the chunk, quote marked
    metrics = metrics_of(app)
    assert metrics["Engine"] == "Extractive" and metrics["Model"] == "no LLM"
    details = next(e for e in app.expander if e.label == "Details")
    table = details.dataframe[0].value
    assert list(table.columns) == ["rank", "score", "source", "heading", "page", "text"]
    assert table["source"][0] == "accounts.md"
    assert not app.error


def test_off_topic_question_says_i_dont_know_with_closest_sources(docs: Path) -> None:
    app = ask(index_folder(run_page(), docs), OFF_TOPIC)
    assert app.info[0].value.startswith("I don't know")
    assert "Why:" in app.info[0].value
    assert app.pills(key="rag_closest_0").label == "Closest sources"
    assert not [p for p in app.pills if p.key == "rag_cite_0"]
    assert app.pills(key="rag_closest_0").options[0].startswith("[S1]")


def test_unknown_folder_is_an_error_message_not_a_traceback(tmp_path: Path) -> None:
    app = run_page()
    app.text_input(key="rag_folder").set_value(str(tmp_path / "no-such-folder"))
    app.button(key="rag_index_folder").click().run()
    assert_no_exception(app)
    assert "does not exist" in app.error[0].value
    assert current_job(load_settings(), "knowledge_base") is None  # no job was started
    assert not app.metric


def test_search_tab_lists_results_for_each_mode(docs: Path) -> None:
    app = index_folder(run_page(), docs)
    app.text_input(key="rag_query").set_value("express parcels")
    app.radio(key="rag_mode").set_value("bm25")
    app.button(key="rag_search").click().run()
    assert_no_exception(app)
    results = app.dataframe[-1].value
    assert results["source"][0] == "shipping.md"
    assert any("bm25 search" in c.value for c in app.caption)


def test_llm_mode_streams_a_cited_answer_from_the_fake_provider(
    monkeypatch: pytest.MonkeyPatch, docs: Path,
) -> None:
    with FakeProvider(responder=answer_from_s1) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.openai_base_url)
        app = index_folder(run_page(), docs)
        assert ":green-badge[LLM: openai:gpt-4.1-mini]" in markdown_of(app)
        ask(app, ANSWERABLE)
        calls = fake.requests
    assert calls[-1]["body"]["stream"] is True
    metrics = metrics_of(app)
    assert metrics["Engine"] == "LLM" and metrics["Model"] == "openai:gpt-4.1-mini"
    details = next(e for e in app.expander if e.label == "Details")
    expected = first_sentence(details.dataframe[0].value["text"][0])
    assert any(text.startswith(expected) for text in markdown_of(app))
    assert app.pills(key="rag_cite_0").options[0].startswith("[S1] accounts.md")
    assert not app.warning  # the quote matched its source
