"""`aipm eval feedback --dataset`: label schemes, the hash split, polar and 3-class scores
(a neutral on a polar row is a miss), and a report that never carries the rows' text."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from products.feedback_analyzer.core.dataset_eval import (
    LabelledRow,
    Prediction,
    label_scheme,
    score_split,
    split_of,
    worst_disagreements,
)
from shared.errors import BadInput

ROWS = [("Absolutely love this blender, works great", "5"),
        ("Terrible, it broke on day two", "1"), ("Arrived on Tuesday in a box", "3"),
        ("Great screen but the battery died within a week", "2"),
        ("Best purchase this year, so happy", "4"), ("Awful support, never again", "1"),
        ("It is a kettle", "3"), ("Not bad at all, would buy again", "5")]


def write(path: Path, rows: list[tuple[str, str]] = ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "rating"])
        writer.writerows([f"x{i}", text, label] for i, (text, label) in enumerate(rows))
    return path


@pytest.mark.parametrize(("values", "expected"), [
    (["positive", "Negative", "neutral"], ["positive", "negative", "neutral"]),
    (["1", "2", "3", "4", "5"], ["negative", "negative", "neutral", "positive", "positive"]),
    (["-1", "0", "1"], ["negative", "neutral", "positive"]),
    (["0", "1"], ["negative", "positive"]),
    (["0", "2", "4"], ["negative", "neutral", "positive"])])
def test_label_schemes_map_to_three_classes(values: list[str], expected: list[str]) -> None:
    _, mapper = label_scheme(values)
    assert [mapper(v) for v in values] == expected


def test_an_unknown_label_says_what_is_accepted() -> None:
    with pytest.raises(BadInput, match="1-5 stars"):
        label_scheme(["good", "bad"])
    with pytest.raises(BadInput, match="not 0/1"):
        label_scheme(["7", "9"])


def test_the_split_is_stable_and_near_sixty_forty() -> None:
    texts = [f"review number {i}" for i in range(2000)]
    splits = [split_of(t) for t in texts]
    assert splits == [split_of(t) for t in texts]
    assert 0.55 < splits.count("tune") / len(texts) < 0.65


def row(i: int, gold: str, split: str = "tune") -> LabelledRow:
    return LabelledRow(i, f"x{i}", f"text {i}", gold, split)


def test_polar_accuracy_reads_the_leaning_and_counts_neutral_as_a_miss() -> None:
    rows = [row(0, "positive"), row(1, "negative"), row(2, "positive"), row(3, "neutral"),
            row(4, "negative", "heldout")]
    predictions = [Prediction("mixed", "positive", 0.1), Prediction("neutral", "neutral", 0.0),
                   Prediction("negative", "negative", -0.5),
                   Prediction("neutral", "positive", 0.0), Prediction("negative", "negative", -1)]
    scores = score_split("kit", "tune", rows, predictions)
    assert (scores.rows, scores.polar_rows, scores.polar_accuracy) == (4, 3, round(1 / 3, 4))
    assert scores.three_class.accuracy == 0.5  # mixed counts as its leaning
    assert scores.predicted["positive"]["mixed"] == 1
    assert score_split("kit", "all", rows, predictions).rows == 5


def test_worst_disagreements_are_ranked_and_say_who_was_right() -> None:
    rows = [row(0, "positive"), row(1, "negative"), row(2, "positive")]
    kit = [Prediction("positive", "positive", 0.8), Prediction("negative", "negative", -0.2),
           Prediction("positive", "positive", 0.5)]
    vader = [Prediction("negative", "negative", -0.9), Prediction("positive", "positive", 0.1),
             Prediction("positive", "positive", 0.4)]
    worst = worst_disagreements(rows, kit, vader)
    assert [d.index for d in worst] == [0, 1] and {d.winner for d in worst} == {"kit"}


def test_the_cli_compares_kit_and_vader_and_keeps_text_out_of_the_report(
        tmp_path: Path) -> None:
    from products.feedback_analyzer.cli import app

    data = write(tmp_path / "stars.csv")
    report = tmp_path / "report.md"
    result = CliRunner().invoke(app, ["--help"])  # the group loads
    import typer

    from products.feedback_analyzer.cli import run_eval

    runner_app = typer.Typer()
    runner_app.command()(run_eval)
    result = CliRunner().invoke(runner_app, ["--dataset", str(data), "--text-column", "review",
                                             "--label-column", "rating", "--split", "all",
                                             "--report", str(report), "--json"])
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)["datasets"][0]
    assert payload["scheme"].startswith("1-5 stars") and payload["rows"] == len(ROWS)
    engines = {s["engine"] for s in payload["scores"]}
    assert engines == {"kit", "vader", "kit_rules"}
    assert set(payload["rows_per_second"]) == engines
    text = report.read_text(encoding="utf-8")
    assert "| stars | all | kit |" in text and "mean over sets" in text
    assert not any(review in text for review, _ in ROWS)
    plain = CliRunner().invoke(runner_app, ["--dataset", str(data), "--text-column", "review",
                                            "--label-column", "rating", "--report",
                                            str(report)])
    assert plain.exit_code == 0 and "polar acc" in plain.stdout


def test_a_missing_label_column_is_one_clear_line(tmp_path: Path) -> None:
    import typer

    from products.feedback_analyzer.cli import run_eval

    runner_app = typer.Typer()
    runner_app.command()(run_eval)
    result = CliRunner().invoke(runner_app, ["--dataset", str(write(tmp_path / "a.csv")),
                                             "--text-column", "review", "--label-column",
                                             "stars", "--report", str(tmp_path / "r.md")])
    assert result.exit_code != 0 and "--label-column" in result.output


def test_zero_one_two_is_no_known_scheme() -> None:
    with pytest.raises(BadInput):
        label_scheme(["0", "1", "2"])


def test_rows_that_lean_the_same_way_are_no_disagreement() -> None:
    rows = [row(0, "positive")]
    worst = worst_disagreements(rows, [Prediction("mixed", "positive", 0.2)],
                                [Prediction("positive", "positive", 0.9)])
    assert worst == []


def test_rows_without_a_label_or_text_are_left_out(tmp_path: Path) -> None:
    from products.feedback_analyzer.core.dataset_eval import load_dataset

    labelled = load_dataset(write(tmp_path / "g.csv", [*ROWS, ("no label here", ""),
                                                       ("", "5")]), "review", "rating")
    assert len(labelled.rows) == len(ROWS) and labelled.rows[-1].row_id == f"x{len(ROWS) - 1}"
