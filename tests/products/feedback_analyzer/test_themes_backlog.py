"""Themes a PM can act on (issue 23, item 4): phrase names from the rows, contrast rows on both
themes, RICE from counts/sentiment/cohesion with effort left to the team, and the --by split."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from products.feedback_analyzer.charts import group_values, stars_values
from products.feedback_analyzer.core import AnalyzeOptions, analyze_file
from products.feedback_analyzer.core.columns import detect_effort_column, detect_group_column
from products.feedback_analyzer.core.models import BadTable
from products.feedback_analyzer.core.report import ESTIMATE_EFFORT, render_markdown, rice
from products.feedback_analyzer.core.service import build_report
from products.feedback_analyzer.core.summary import ThemeCandidate
from products.feedback_analyzer.core.themes import (
    Quote,
    Theme,
    cohesion,
    contrast_sides,
    find_themes,
    phrase_names,
    unique_names,
)
from shared.config import load_settings

NUMBERED = re.compile(r"\d|^(?:complaint|praise|theme|cluster)\b", re.IGNORECASE)
WORD_LIST = re.compile(r"/|,|;|\|")


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory):
    import products

    sample = Path(products.__file__).resolve().parent / "feedback_analyzer" / "data" / "reviews.csv"
    out = tmp_path_factory.mktemp("themes") / "out.csv"
    settings = load_settings(embedder="wordllama")
    result = analyze_file(settings, sample, AnalyzeOptions(engine="baseline", out=out))
    return result, build_report(settings, result)


def test_sample_themes_are_phrases_from_their_rows_never_numbers_or_word_lists(
        sample_report) -> None:
    result, report = sample_report
    texts = {c.row_id: " ".join(re.findall(r"[^\W\d_][\w']*", c.text.lower()))
             for c in result.candidates}
    assert len(report.themes) >= 4
    for theme in report.themes:
        assert not NUMBERED.search(theme.name), theme.name
        assert not WORD_LIST.search(theme.name), theme.name
        assert 2 <= len(theme.name.split()) <= 5, theme.name
        assert any(theme.name in texts[i] for i in theme.row_ids), theme.name
        assert len(theme.quotes) == 3 and 0 < theme.share <= 1
        assert theme.trend in ("rising", "falling", "flat") and theme.sentiment
    assert len({t.name for t in report.themes}) == len(report.themes)


def test_sample_backlog_effort_is_left_to_the_pm_and_the_file_splits_by_product(
        sample_report) -> None:
    result, report = sample_report
    assert result.info.group_column == "product"
    assert set(result.counts.by_group) == {"Brewly Mini", "FitLoop", "Lumen Notes", "Parcelo"}
    assert all(o.effort is None and ESTIMATE_EFFORT in o.effort_note for o in report.backlog)
    assert all(sum(o.by_group.values()) == o.reach for o in report.backlog)
    markdown = render_markdown(report)
    assert "## By product" in markdown and f"| {ESTIMATE_EFFORT} |" in markdown


def test_phrase_names_prefer_the_run_the_theme_shares_and_others_do_not() -> None:
    theme = ["the battery drains overnight now", "my battery drains overnight, sadly",
             "battery drains overnight again", "the screen is fine"]
    others = ["the screen is fine", "delivery was quick", "the battery is big"]
    assert phrase_names(theme, theme + others, theme[:1])[0] == "battery drains overnight"


def test_a_theme_without_a_shared_run_is_named_by_its_nearest_clause() -> None:
    rows = ["refund takes forever. awful", "never again", "what a mess", "so slow"]
    assert phrase_names(rows, rows, ["Refund takes forever. Awful"]) == ["refund takes forever"]


def test_repeated_names_take_the_next_candidate() -> None:
    first, second = (_theme("refund takes weeks", ["refund delays"]),
                     _theme("refund takes weeks", ["slow refund"]))
    assert [t.name for t in unique_names([first, second])] == ["refund takes weeks",
                                                                "slow refund"]


def test_a_contrast_row_is_split_into_a_praise_side_and_a_complaint_side() -> None:
    row = ThemeCandidate(row_id="R9", text="Great screen but the battery died after an hour",
                         sentiment="mixed", score=0.1)
    sides = contrast_sides(row)
    assert [s.sentiment for s in sides] == ["positive", "negative"]
    assert {s.row_id for s in sides} == {"R9"} and "battery" in sides[1].text
    plain = ThemeCandidate(row_id="R1", text="the battery died", sentiment="negative", score=-0.5)
    assert contrast_sides(plain) == [plain]


def test_a_contrast_row_counts_on_both_themes() -> None:
    rows = [ThemeCandidate(row_id=f"P{i}", text=f"great screen number {i}",
                           sentiment="positive", score=0.6) for i in range(6)]
    rows += [ThemeCandidate(row_id=f"N{i}", text=f"the battery died again {i}",
                            sentiment="negative", score=-0.6) for i in range(6)]
    rows.append(ThemeCandidate(row_id="M1", text="Great screen but the battery died",
                               sentiment="mixed", score=0.0))
    themes = find_themes(rows, _Bag())
    kinds = {t.kind for t in themes if "M1" in t.row_ids}
    assert kinds == {"complaint", "praise"}


def test_rice_reach_impact_confidence_come_from_the_theme_and_effort_from_the_file() -> None:
    base = _theme("refund takes weeks", [], size=20, share=0.2, mean_score=-0.5, cohesion=0.7)
    line = rice(base)
    assert line.reach == 20 and line.confidence == 0.7 and line.effort is None
    assert line.impact == round(3 * 0.5 * (0.5 + 0.2), 2)
    assert line.score == round(20 * line.impact * 0.7, 1)
    assert ESTIMATE_EFFORT in line.effort_note
    assert rice(base.model_copy(update={"share": 0.6})).impact > line.impact
    assert rice(base.model_copy(update={"mean_score": -0.9})).impact > line.impact
    assert rice(base.model_copy(update={"low_star_share": 0.9})).impact > line.impact
    sized = rice(base.model_copy(update={"effort": 4.0}))
    assert sized.effort == 4.0 and sized.effort_note == ""
    assert sized.score == round(20 * line.impact * 0.7 / 4.0, 1)


def test_cohesion_is_one_for_identical_rows_and_lower_for_spread_rows() -> None:
    import numpy as np

    same = np.array([[1.0, 0.0], [1.0, 0.0]])
    spread = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert cohesion(same, same.mean(axis=0)) == 1.0
    assert 0.0 < cohesion(spread, spread.mean(axis=0)) < 0.8


def test_group_and_effort_columns_are_detected_by_name_and_shape() -> None:
    columns = ["id", "plan", "effort", "note"]
    sample = [[f"r{i}", ["free", "pro"][i % 2], str(1 + i % 3), f"n{i}"] for i in range(10)]
    assert detect_group_column(columns, sample) == "plan"
    assert detect_effort_column(columns, sample) == "effort"
    unique = [[f"r{i}", f"p{i}", "x", ""] for i in range(10)]
    assert detect_group_column(columns, unique) is None
    assert detect_effort_column(columns, unique) is None


def test_effort_column_feeds_the_backlog_and_by_splits_counts(tmp_path: Path) -> None:
    source = tmp_path / "fb.csv"
    lines = ["id,channel,effort,text"]
    for i in range(24):
        bad = i % 2 == 0
        text = ("the refund takes weeks and support never answers" if bad
                else "lovely fast delivery and friendly courier")
        lines.append(f"r{i},{['email', 'app', 'web'][i % 3]},{2 if bad else 1},{text} {i}")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = load_settings(embedder="wordllama", data_dir=tmp_path / "d")
    result = analyze_file(settings, source, AnalyzeOptions(engine="baseline",
                                                           out=tmp_path / "o.csv", by="channel"))
    report = build_report(settings, result)
    assert set(result.counts.by_group) == {"email", "app", "web"}
    assert report.backlog and all(o.effort == 2.0 for o in report.backlog)
    with pytest.raises(BadTable, match="channel"):
        analyze_file(settings, source, AnalyzeOptions(engine="baseline", out=tmp_path / "x.csv",
                                                      by="nope"))


def test_cli_by_product_writes_a_split_report(tmp_path: Path, sample_csv: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from products.feedback_analyzer.cli import app

    monkeypatch.setenv("AIPM_DATA_DIR", str(tmp_path / "d"))
    report = tmp_path / "report.md"
    outcome = CliRunner().invoke(app, ["analyze", str(sample_csv), "--engine", "baseline",
                                       "--by", "product", "--out", str(tmp_path / "o.csv"),
                                       "--report", str(report)])
    assert outcome.exit_code == 0, outcome.output
    assert "By product: " in outcome.output
    assert "## By product" in report.read_text(encoding="utf-8")


def test_charts_read_the_leaning_and_the_groups() -> None:
    from products.feedback_analyzer.core.summary import Counts

    counts = Counts(stars_leaning={"1": {"positive": 0, "neutral": 1, "negative": 5}},
                    by_group={"pro": {"positive": 2, "negative": 1}}, group_column="plan")
    assert {"stars": "1", "words lean": "negative", "rows": 5} in stars_values(counts)
    assert {"group": "pro", "sentiment": "positive", "rows": 2} in group_values(counts)


def test_a_mixed_one_star_row_counts_where_its_words_lean(tmp_path: Path) -> None:
    source = tmp_path / "s.csv"
    source.write_text("id,stars,text\nr1,1,\"Great screen but the battery died, awful\"\n",
                      encoding="utf-8")
    settings = load_settings(embedder="wordllama", data_dir=tmp_path / "d")
    result = analyze_file(settings, source, AnalyzeOptions(engine="baseline",
                                                           out=tmp_path / "o.csv"))
    assert result.counts.stars_leaning["1"]["negative"] == 1


class _Bag:
    """A tiny embedder for the tests: counts of a few words (screen vs battery rows apart)."""

    words = ("great", "screen", "battery", "died")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(w in t.lower()) + 0.01 for w in self.words] for t in texts]


def _theme(name: str, alternatives: list[str], **fields: object) -> Theme:
    values: dict[str, object] = {"name": name, "kind": "complaint", "size": 5, "share": 0.1,
                                 "keywords": ["refund", "slow"], "aspects": [],
                                 "mean_score": -0.4, "quotes": [Quote(row_id="r1", text="x")],
                                 "alternatives": alternatives, "cohesion": 0.5}
    values.update(fields)
    return Theme(**values)  # type: ignore[arg-type]


def test_a_run_common_outside_the_theme_loses_to_the_theme_s_own_run() -> None:
    theme = ["customer service team said the refund never arrives",
             "customer service team again: refund never arrives",
             "refund never arrives, customer service team shrugged",
             "customer service team was rude"]
    others = [f"customer service team helped with order {i}" for i in range(10)]
    assert phrase_names(theme, theme + others, theme[:1])[0] == "refund never arrives"


def test_a_mixed_row_whose_sides_agree_stays_one_complaint_candidate() -> None:
    row = ThemeCandidate(row_id="R2", text="Great screen but a lovely battery too",
                         sentiment="mixed", score=0.4)
    assert contrast_sides(row) == [row]


def test_a_zero_or_negative_effort_cell_is_not_an_effort() -> None:
    from products.feedback_analyzer.core.summary import SummaryBuilder

    builder = SummaryBuilder(columns=["id", "effort", "text"], effort_column="effort")
    assert builder._effort(["r1", "3", "x"]) == 3.0
    assert builder._effort(["r1", "0", "x"]) is None
    assert builder._effort(["r1", "-2", "x"]) is None
    assert builder._effort(["r1", "", "x"]) is None
