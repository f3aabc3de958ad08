"""The O*NET Technology Skills subset (issue 24 item 3): shipped with its source, version
and licence, used by the JD parser behind the kit's own vocabulary, generic words kept out."""

from __future__ import annotations

from pathlib import Path

from products.resume_assistant.core.jd_parser import parse_jd
from products.resume_assistant.core.skills import (
    ONET_FILE,
    SYNONYM_FILE,
    load_vocabulary,
    skills_in,
)
from products.resume_assistant.tools.build_onet_subset import subset

KIT_ONLY = {skill.name for skill in load_vocabulary(SYNONYM_FILE, None)}


def test_the_shipped_file_names_its_source_version_and_licence() -> None:
    header = "\n".join(line for line in ONET_FILE.read_text(encoding="utf-8").splitlines()
                       if line.startswith("#"))
    for needed in ("Technology Skills", "bstunney/onet-analysis", "O*NET 28.2",
                   "CC BY 4.0", "U.S. Department of Labor, Employment and Training",
                   "USDOL/ETA", "build_onet_subset.py"):
        assert needed in header, needed
    names = [line for line in ONET_FILE.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert 1000 <= len(names) <= 1500
    assert all(line == line.lower() for line in names)


def test_a_tool_only_o_net_lists_becomes_a_requirement_skill() -> None:
    assert "oracle hyperion" not in KIT_ONLY
    jd = parse_jd("Budget Analyst — Acme\nRequirements:\n- 3+ years of budgeting\n"
                  "- Experience with Oracle Hyperion\n- A degree in finance\n")
    assert "oracle hyperion" in jd.skills
    assert "oracle hyperion" in jd.keywords


def test_a_duty_sentence_naming_a_tool_is_a_requirement_but_the_blurb_is_not() -> None:
    jd = parse_jd("Budget Analyst — Acme\nAcme resells Microsoft Dynamics to retailers.\n"
                  "What you'll do:\nYou will build the monthly budgets in Oracle Hyperion.\n"
                  "A degree in finance is required.\n")
    texts = [r.text for r in jd.requirements]
    assert any("Oracle Hyperion" in text for text in texts), texts
    assert not any("Microsoft Dynamics" in text for text in texts), texts


def test_generic_words_and_kit_aliases_stay_out_of_the_extra_vocabulary(tmp_path: Path) -> None:
    extra = tmp_path / "extra.txt"
    extra.write_text("# test list\nsupport:\npostgres:\nzeta ledger: zl ledger\n",
                     encoding="utf-8")
    added = [s.name for s in load_vocabulary(SYNONYM_FILE, extra) if s.name not in KIT_ONLY]
    assert added == ["zeta ledger"]
    assert "support" not in skills_in("We support teams with analysis.")


def _row(code: str, example: str, title: str = "Accounting software", hot: str = "N") -> dict:
    return {"O*NET-SOC Code": code, "Example": example, "Commodity Title": title,
            "Hot Technology": hot}


def test_the_subset_keeps_named_tools_hot_first_and_drops_descriptions() -> None:
    rows = [_row("1", "Acme Ledger"), _row("2", "Acme Ledger"), _row("3", "Acme Ledger"),
            _row("1", "Zeta Books", hot="Y"), _row("1", "Email software"),
            _row("1", "Slack"), _row("1", "Accounting software"),
            _row("1", "Hypertext markup language HTML"), _row("1", "The MathWorks MATLAB"),
            _row("1", "Fund accounting software"), _row("1", "Budgeting software"),
            _row("1", "HubSpot software"), _row("1", "Quill software", hot="Y"),
            _row("1", "Debuggers"), _row("1", "Program debuggers")]
    kept = dict(subset(rows))
    assert list(kept)[:3] == ["quill", "zeta books", "acme ledger"]
    assert "email" not in kept and "email software" not in kept
    assert "slack" not in kept and "accounting" not in kept and "budgeting" not in kept
    assert "fund accounting" not in kept and "debuggers" not in kept
    assert "hubspot" in kept and "quill" in kept
    assert kept["html"] == ["hypertext markup language", "hypertext markup language html"]
    assert kept["the mathworks matlab"] == []
    assert len(subset(rows, limit=2)) == 2
