"""The RAG page's chat through AppTest: history, follow-ups, source pills, filters, fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from products.rag_search.ui_chat import highlighted
from products.rag_search.ui_sources import linked_markers
from shared.config import load_settings
from shared.ratings import rating_summary
from shared.testing.fake_provider import FakeProvider
from tests.products.rag_search.answer_helpers import HELP_CENTRE, write_corpus
from tests.products.rag_search.responders import uncited
from tests.products.rag_search.test_ui import (
    ask,
    assert_no_exception,
    index_folder,
    markdown_of,
    open_source,
    run_page,
)

MOBILE = "Which iOS and Android versions does the mobile app support?"


@pytest.fixture
def page(tmp_path: Path) -> AppTest:
    return index_folder(run_page(), write_corpus(tmp_path / "help", HELP_CENTRE))


def user_messages(app: AppTest) -> list[str]:
    return [m.text[0].value for m in app.chat_message if m.name == "user"]


def test_the_conversation_is_kept_and_a_follow_up_uses_it(page: AppTest) -> None:
    app = ask(ask(page, MOBILE), "Does it work offline?")
    assert user_messages(app) == [MOBILE, "Does it work offline?"]
    assert len([m for m in app.chat_message if m.name == "assistant"]) == 2
    assert any(c.value.startswith("Searched for: Does it work offline? (") and "mobile" in c.value
               for c in app.caption)
    assert any("works offline" in text for text in markdown_of(app))


def test_new_chat_clears_the_history(page: AppTest) -> None:
    app = ask(page, MOBILE)
    app.button(key="rag_new_chat").click().run()
    assert_no_exception(app)
    assert user_messages(app) == []


def highlighted_passages(app: AppTest) -> list[str]:
    return [text for text in markdown_of(app) if ":orange-background[" in text]


def test_a_source_pill_opens_its_passage_with_the_quote_highlighted(page: AppTest) -> None:
    app = ask(page, "How much storage does the Free plan include?")
    linked_only = len(highlighted_passages(app))  # the inline marker's passage, hidden by CSS
    app = open_source(app)
    assert len(highlighted_passages(app)) == linked_only + 1
    passage = highlighted_passages(app)[-1]
    assert ":orange-background[The Free plan includes 2 GB of storage per workspace]" in passage
    assert passage.endswith("Business workspaces get 1 TB of storage.")  # the whole passage
    assert any(c.value.startswith("storage.md") for c in app.caption)


def test_pills_of_an_earlier_turn_still_open_after_a_new_question(page: AppTest) -> None:
    app = ask(ask(page, "How much storage does the Free plan include?"), MOBILE)
    def storage_passages() -> int:
        return sum("2 GB" in text for text in highlighted_passages(app))

    before = storage_passages()
    app = open_source(app, key="rag_cite_0")
    assert storage_passages() == before + 1


def test_the_folder_filter_narrows_the_chat_and_the_search(page: AppTest) -> None:
    assert page.selectbox(key="rag_filter_folder").options == ["All folders", "billing"]
    assert page.multiselect(key="rag_filter_types").options == ["md", "txt"]
    page.selectbox(key="rag_filter_folder").set_value("billing").run()
    app = ask(page, "How much storage does the Free plan include?")
    assert not any("2 GB" in text for text in markdown_of(app))
    app.text_input(key="rag_query").set_value("storage refunds")
    app.button(key="rag_search").click().run()
    assert set(app.dataframe[-1].value["source"]) == {"billing/refunds.md"}


def test_an_unusable_llm_reply_shows_the_fallback_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeProvider(responder=uncited) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.openai_base_url)
        monkeypatch.setenv("AIPM_LLM_MAX_RETRIES", "0")
        app = index_folder(run_page(), write_corpus(tmp_path / "help", HELP_CENTRE))
        app = ask(app, "How much storage does the Free plan include?")
        assert len(fake.requests) == 1
    assert any("extractive answer" in info.value for info in app.info)
    assert any("2 GB" in text for text in markdown_of(app))


def test_highlighting_is_line_by_line_and_escapes_brackets() -> None:
    text = "Intro.\n\n- Refunds [EU] take 30 days.\n- Annual plans differ."
    marked = highlighted(text, "Refunds [EU] take 30 days. Annual plans differ")
    assert marked == ("Intro.\n\n- :orange-background[Refunds \\[EU\\] take 30 days.]\n"
                      "- :orange-background[Annual plans differ].")
    assert highlighted(text, "not in the passage") == text


def test_an_answer_can_be_rated_and_the_rating_names_the_ask(page: AppTest) -> None:
    app = ask(page, MOBILE)
    app.feedback[0].set_value(0).run()
    app.text_input(key="rag_rate_0-comment").input("Wrong versions")
    next(b for b in app.button if b.label == "Send comment").click().run()
    assert_no_exception(app)
    (summary,) = rating_summary(load_settings().data_dir)
    assert (summary.product, summary.operation, summary.down) == ("rag_search", "ask", 1)


def html_of(app: AppTest) -> list[str]:
    return [element.proto.body for element in app.get("html")]


def test_inline_markers_link_to_their_passage_anchor(page: AppTest) -> None:
    app = ask(page, "How much storage does the Free plan include?")
    answer = next(text for text in markdown_of(app) if "2 GB of storage" in text)
    assert answer.endswith("[\\[S1\\]](#aipm-src-0-1)")
    assert '<span id="aipm-src-0-1"></span>' in html_of(app)
    after_anchor = markdown_of(app)[markdown_of(app).index(answer) + 1:]
    assert after_anchor[0] == "**[S1]** storage.md"
    assert after_anchor[1].startswith(":orange-background[The Free plan includes 2 GB")
    assert any(":not(:has(:target))" in body for body in html_of(app))


def test_each_turn_links_to_its_own_passages(page: AppTest) -> None:
    app = ask(ask(page, "How much storage does the Free plan include?"), MOBILE)
    answers = [m for m in markdown_of(app) if "(#aipm-src-" in m]
    assert "(#aipm-src-0-1)" in answers[0] and "(#aipm-src-1-1)" in answers[1]
    assert {'<span id="aipm-src-0-1"></span>', '<span id="aipm-src-1-1"></span>'} <= set(
        html_of(app))


def test_markers_in_code_and_unknown_labels_stay_text() -> None:
    text = "Run `grep [S1] log` first [S1].\n\n```\nx = a[S2]\n```\nThen [s2] and [S9]."
    assert linked_markers(text, 3, ["S1", "S2"]) == (
        "Run `grep [S1] log` first [\\[S1\\]](#aipm-src-3-1).\n\n```\nx = a[S2]\n```\n"
        "Then [\\[S2\\]](#aipm-src-3-2) and [S9].")


def test_a_label_cited_twice_gets_one_passage() -> None:
    from streamlit.testing.v1 import AppTest as Script

    def page() -> None:
        from products.rag_search.core import Citation, SearchResult
        from products.rag_search.ui_sources import linked_passages

        chunk = SearchResult(rank=1, source="a.md", title="a", heading="", page=None,
                             chunk_id="c1", score=1.0, text="Refunds take 30 days.")
        first = Citation(label="S1", source="a.md", chunk_id="c1", quote="Refunds take 30 days",
                         title="a", heading="", page=None, verified=True)
        linked_passages([first, first.model_copy(update={"quote": "30 days"})], {"c1": chunk}, 0)

    app = Script.from_function(page).run()
    assert_no_exception(app)
    assert [m.value for m in app.markdown].count("**[S1]** a.md") == 1


# -- a chat that looks like one ------------------------------------------------------------
BOTTOM = 3  # the root block Streamlit pins under the page (main, sidebar, event, bottom)


def test_the_chat_input_is_pinned_at_the_bottom_and_only_on_the_chat_tab(page: AppTest) -> None:
    bottom = page._tree.children[BOTTOM]  # no public accessor; AppTest builds this block
    assert [type(node).__name__ for node in bottom.children.values()] == ["ChatInput"]
    page.session_state["rag_tab"] = "Search"
    page.run()
    assert_no_exception(page)
    assert not page.chat_input


def test_the_comment_box_opens_only_after_a_thumb_which_is_stored_at_once(page: AppTest) -> None:
    app = ask(page, MOBILE)
    assert not [box for box in app.text_input if box.key == "rag_rate_0-comment"]
    app.feedback[0].set_value(1).run()
    assert_no_exception(app)
    (summary,) = rating_summary(load_settings().data_dir)
    assert (summary.up, summary.comments) == (1, 0)  # counted before any comment
    assert app.text_input(key="rag_rate_0-comment").label.startswith("What was right")


def test_new_conversation_is_the_button_under_the_answers(page: AppTest) -> None:
    app = ask(page, MOBILE)
    assert app.button(key="rag_new_chat").label == "New conversation"


def labelled_page() -> None:
    """Three answers: a sure one, a low-confidence one (the field the gate adds), and an
    "I don't know"; the page reads the new fields with getattr, so both shapes render."""
    from products.rag_search.core import Answer
    from products.rag_search.ui_chat import render_answer
    from shared.config import load_settings as settings

    class Scored(Answer):
        low_confidence: bool = False
        confidence: float | None = None

    render_answer(settings(), Answer(answer="Plain.", abstained=False, engine="extractive"), 0)
    render_answer(settings(), Scored(answer="Unsure.", abstained=False, engine="extractive",
                                     low_confidence=True, confidence=0.31), 1)
    render_answer(settings(), Answer(answer="I don't know.", abstained=True,
                                     engine="extractive"), 2)


def test_low_confidence_and_i_dont_know_are_labelled_apart_from_a_sure_answer() -> None:
    app = AppTest.from_function(labelled_page).run()
    assert_no_exception(app)
    labels = [text for text in markdown_of(app) if "-badge[" in text]
    assert labels[0] == ":green-badge[:material/check: From your documents]"
    assert labels[1].startswith(":orange-badge[:material/warning: Low confidence · "
                                "confidence 0.31]")
    assert labels[2] == ":gray-badge[:material/help: I don't know]"
    assert [warning.value for warning in app.warning] == ["Unsure."]  # drawn as a warning
    assert "Plain." in markdown_of(app)
