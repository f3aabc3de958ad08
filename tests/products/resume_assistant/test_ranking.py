"""Real-posting shapes (kit-written fixtures), the learned score, `resume rank`, the pairs eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdoors.server import create_app
from products import get_product
from products.resume_assistant.core.jd_parser import parse_jd, required_years
from products.resume_assistant.core.models import RequirementResult
from products.resume_assistant.core.pairs_eval import (
    PairScore,
    evaluate_pairs,
    load_pairs,
    split_categories,
    top1,
)
from products.resume_assistant.core.scoring import explanation, final_score
from products.resume_assistant.core.segments import split_glued
from products.resume_assistant.core.service import embedder_for, run_rank
from shared.config import load_settings
from tests.kit_client import kit_client
from tests.products.resume_assistant.helpers import ANALYST_JD, DANIEL, PM_JD, PRIYA, upload

FLAT = ("Payroll Accountant - Brightwater Foods\n\nWe are a growing food company seeking an "
        "accountant to join our finance team. You will prepare monthly journal entries and "
        "reconcile ledgers.Responsibilities: Prepare month-end close.Reconcile bank "
        "accounts.Requirements: CPA preferred.Bachelor's degree in accounting required.5+ "
        "years of payroll experience.Knowledge of IFRS and Excel.Benefits: Dental plan with a "
        "certified provider.\n")
MOJIBAKE = ("Warehouse Lead\n\nWhat you'll bring â€¢ Forklift certification â€¢ Three years of "
            "inventory experience â\u0080¢ Fluent Spanish Â· Knowledge of SAP\n")


def test_glued_items_labels_and_mojibake_bullets_split_into_items() -> None:
    assert split_glued("deliverables.Analyze user stories") == ["deliverables.",
                                                                "Analyze user stories"]
    assert split_glued("accredited law schoolLicensed in New York10-15 years") == [
        "accredited law school", "Licensed in New York", "10-15 years"]
    assert split_glued("Use PowerPoint and JavaScript") == ["Use PowerPoint and JavaScript"]
    assert split_glued("Skills:Python â€¢ SQL") == ["Skills:", "Python", "SQL"]
    assert split_glued("Location: Albany, NY") == ["Location: Albany, NY"]


def test_a_flat_posting_yields_requirements_with_years_and_kinds() -> None:
    jd = parse_jd(FLAT)
    texts = {r.text: r.kind for r in jd.requirements}
    assert texts["CPA preferred."] == "nice"
    assert texts["Bachelor's degree in accounting required."] == "must"
    assert "5+ years of payroll experience." in texts
    assert not any("Dental" in t for t in texts)
    assert jd.seniority == "experienced (5+ years)"


def test_a_flat_posting_takes_no_requirement_from_its_benefits_section() -> None:
    jd = parse_jd("Store Clerk - Larkfield\n\nWe need a clerk with 2 years of retail "
                  "experience. Knowledge of tills required.\nBenefits:\nCertified pension "
                  "plan.\n")
    assert [r.text for r in jd.requirements] == [
        "We need a clerk with 2 years of retail experience.", "Knowledge of tills required."]


def test_one_headed_requirement_does_not_hide_the_flat_ones() -> None:
    jd = parse_jd("Welder - Norcast\n\nWe need 3 years of MIG welding experience. A forklift "
                  "licence is required.\nRequirements:\n- Own boots\n")
    assert [r.text for r in jd.requirements] == [
        "Own boots", "We need 3 years of MIG welding experience.",
        "A forklift licence is required."]


def test_coverage_weighs_musts_over_nice_and_specific_over_generic() -> None:
    from products.resume_assistant.core.scoring import coverage

    must, nice = _result("must", True, "IFRS reporting"), _result("nice", False, "IFRS audits")
    assert coverage([must, nice]) == pytest.approx(1 / 1.5)
    vague = _result("must", False, "Strong communication skills")
    assert coverage([must, vague]) > 0.5
    assert coverage([]) == 0.0


def test_posting_asks_lists_years_degree_certificates_languages_and_skills() -> None:
    from products.resume_assistant.core.asks import posting_asks

    jd = parse_jd(FLAT + "Requirements:\nFluent Spanish and English.\nCPA licence.\n")
    asks = posting_asks(jd.requirements)
    assert asks["years"] == 5 and asks["degree"] == "bachelor"
    assert "CPA" in asks["certifications"] and asks["languages"] == ["English", "Spanish"]
    assert "Excel" in asks["skills"]


def test_mojibake_bullets_under_an_inline_label_become_requirements() -> None:
    jd = parse_jd(MOJIBAKE)
    assert [r.text for r in jd.requirements] == [
        "Forklift certification", "Three years of inventory experience", "Fluent Spanish",
        "Knowledge of SAP"]


@pytest.mark.parametrize(("text", "years"), [("5+ years of SQL", 5), ("3-5 years in sales", 3),
                                             ("three (3) years of HR", 3), ("1 year", 1),
                                             ("Ten years managing", 10), ("SQL daily", None)])
def test_required_years_reads_digits_ranges_and_words(text: str, years: int | None) -> None:
    assert required_years(text) == years


def _result(kind: str, met: bool, text: str = "Knowledge of IFRS") -> RequirementResult:
    return RequirementResult(text=text, kind=kind, met=met)  # type: ignore[arg-type]


def test_score_never_reaches_100_unless_every_requirement_is_met() -> None:
    huge = {"coverage": 1.0, "semantic": 1.0, "lexical": 1.0}
    assert final_score(huge, [_result("must", True), _result("must", False)]) == 99
    assert final_score(huge, [_result("must", True), _result("nice", False)]) == 99
    assert final_score(huge, []) == 99
    assert final_score(huge, [_result("must", True), _result("nice", True)]) == 100
    assert final_score({"coverage": 0.0, "semantic": 0.0, "lexical": 0.0}, []) >= 1


def test_more_similarity_never_lowers_the_score() -> None:
    low = {"coverage": 0.0, "semantic": 0.3, "lexical": 0.05}
    high = {"coverage": 1.0, "semantic": 0.6, "lexical": 0.3}
    assert final_score(high, []) > final_score(low, [])


def test_explanation_counts_musts_and_names_what_is_missing() -> None:
    line = explanation([_result("must", True, "SQL daily"), _result("must", False, "CPA"),
                        _result("nice", False, "Tableau")])
    assert line == "1 of 2 must-haves met; missing: CPA"
    assert "No requirements found" in explanation([])


def test_rank_puts_the_matching_posting_first_and_reports_bad_files(tmp_path: Path) -> None:
    settings = load_settings(embedder="wordllama", data_dir=tmp_path)
    broken = ("broken.exe", b"nothing")
    ranking = run_rank(settings, upload(DANIEL), [upload(PM_JD), upload(ANALYST_JD), broken])
    ranked = [row.posting for row in ranking.postings]
    assert ranked[0] == ANALYST_JD.name and ranked[-1] == "broken.exe"
    assert ranking.postings[-1].error and ranking.postings[-1].score is None
    assert ranking.postings[0].explanation.split()[1] == "of"


def test_rank_cli_reads_a_csv_of_postings(tmp_path: Path) -> None:
    from tests.products.resume_assistant.test_api import cli_json

    table = tmp_path / "postings.csv"
    table.write_text("title,description\nData Analyst,\"" + ANALYST_JD.read_text().replace(
        '"', "'") + "\"\nNurse,\"Clinical nurse educator. Requirements: BSN degree. Five "
        "years of bedside nursing.\"\n", encoding="utf-8")
    body = cli_json("resume", "rank", str(DANIEL), str(table))
    assert body["postings"][0]["title"] == "Data Analyst"
    assert all(row["requirements"] > 0 for row in body["postings"])


def test_rank_route_returns_the_cli_shape(tmp_path: Path) -> None:
    settings = load_settings(embedder="wordllama", data_dir=tmp_path)
    client = kit_client(create_app(settings, products=[get_product("resume")]))
    reply = client.post("/v1/resume/rank", files=[
        ("resume", (DANIEL.name, DANIEL.read_bytes())),
        ("postings", (PM_JD.name, PM_JD.read_bytes())),
        ("postings", (ANALYST_JD.name, ANALYST_JD.read_bytes()))])
    assert reply.status_code == 200
    assert reply.json()["postings"][0]["posting"] == ANALYST_JD.name
    assert isinstance(client, TestClient)


def _pairs_file(tmp_path: Path) -> Path:
    """Kit samples as labelled pairs: the analyst résumé fits the analyst JD only."""
    root = tmp_path / "set"
    root.mkdir()
    for path in (DANIEL, PRIYA, PM_JD, ANALYST_JD):
        (root / path.name).write_bytes(path.read_bytes())
    rows = [{"resume": DANIEL.name, "job": ANALYST_JD.name, "fit": 1, "resume_category": "data",
             "job_category": "data"},
            {"resume": DANIEL.name, "job": PM_JD.name, "fit": 0, "resume_category": "data",
             "job_category": "pm"},
            {"resume": PRIYA.name, "job": ANALYST_JD.name, "fit": 0, "resume_category": "nurse",
             "job_category": "data"},
            {"resume": PRIYA.name, "job": PM_JD.name, "fit": 0, "resume_category": "nurse",
             "job_category": "pm"}]
    path = root / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_pairs_eval_scores_every_pair_with_the_anchor(tmp_path: Path) -> None:
    path = _pairs_file(tmp_path)
    result = evaluate_pairs(path, embedder_for(load_settings(embedder="wordllama")))
    assert result.metrics.pairs == 4 and result.metrics.positives == 1
    assert result.metrics.auc == 1.0 and 0.0 < result.metrics.tfidf_auc <= 1.0
    assert result.metrics.top1 == 1.0 and result.metrics.postings_without_requirements == 0
    assert all(row.tfidf > 0 for row in result.rows)


def test_split_is_by_category_and_never_mixes_them(tmp_path: Path) -> None:
    parts = split_categories(load_pairs(_pairs_file(tmp_path)))
    assert sorted(parts["tune"] + parts["heldout"]) == ["data", "nurse"]
    assert not set(parts["tune"]) & set(parts["heldout"])


def test_top1_counts_a_tie_at_the_top_as_a_share() -> None:
    rows = [PairScore(resume="a", job=j, fit=f, score=50, tfidf=0.0, requirements=1,
                      features={}) for j, f in (("x", 1), ("y", 0))]
    assert top1(rows, [50.0, 50.0]) == 0.5
    assert top1(rows, [60.0, 50.0]) == 1.0


def test_eval_cli_with_pairs_writes_a_numbers_only_report(tmp_path: Path) -> None:
    from tests.products.resume_assistant.test_api import cli_json

    report = tmp_path / "pairs.md"
    body = cli_json("eval", "resume", "--pairs", str(_pairs_file(tmp_path)), "--report",
                    str(report))
    assert body["metrics"]["auc"] == 1.0 and body["split"] == "all"
    text = report.read_text(encoding="utf-8")
    assert "| AUC | 1.000 |" in text and "Daniel" not in text and "Harbor" not in text


def test_half_the_score_is_coverage() -> None:
    text = {"semantic": 0.4, "lexical": 0.1}
    low = final_score({"coverage": 0.0, **text}, [])
    high = final_score({"coverage": 1.0, **text}, [])
    assert high - low >= 45  # coverage moves the score by its share, not by its 0 weight
