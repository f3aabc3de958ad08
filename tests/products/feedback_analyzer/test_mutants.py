"""Tests written to kill mutants that survived the earlier suite (issue 23): a duplicated reply
id accepted, batch replies not recorded in the checkpoint, the model left out of the checkpoint
key, and the name mask (people masked, product names kept)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from products.feedback_analyzer.core.checkpoint import run_key
from products.feedback_analyzer.core.llm_engine import LLMEngine, RowLabel, RowLabels
from products.feedback_analyzer.core.privacy import redact_with_counts
from shared.testing.fake_provider import FakeProvider
from tests.products.feedback_analyzer import responders
from tests.products.feedback_analyzer.test_llm_engine import feedback_file


def engine() -> LLMEngine:
    llm = SimpleNamespace(provider="openai", model="gpt-test")
    return LLMEngine(llm, ["delivery", "price"])  # type: ignore[arg-type]


def reply(*rows: RowLabel) -> SimpleNamespace:
    return SimpleNamespace(cost_usd=0.0, parsed=RowLabels(rows=list(rows)))


def test_a_reply_that_answers_one_id_twice_is_not_accepted_for_that_row() -> None:
    batch = [("r1", "late parcel", "k1"), ("r2", "cheap and good", "k2")]
    pending = {"k1": "late parcel", "k2": "cheap and good"}
    errors: dict[str, str] = {}
    accepted = engine().accept(batch, reply(
        RowLabel(id="r1", sentiment="negative", sentiment_score=-0.5, reason="late parcel"),
        RowLabel(id="r1", sentiment="positive", sentiment_score=0.5, reason="late parcel"),
        RowLabel(id="r2", sentiment="positive", sentiment_score=0.6, reason="cheap and good")),
        pending, errors)
    assert set(accepted) == {"k2"}
    assert errors == {"k1": "the model answered this row twice"}


def test_run_key_changes_with_the_model(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("comment\nhello\n", encoding="utf-8")
    one = run_key(path, "openai:gpt-a", ["price"], "p.v1.md")
    assert one == run_key(path, "openai:gpt-a", ["price"], "p.v1.md")
    assert one != run_key(path, "openai:gpt-b", ["price"], "p.v1.md")
    assert one != run_key(path, "openai:gpt-a", ["delivery"], "p.v1.md")
    assert one != run_key(path, "openai:gpt-a", ["price"], "p.v2.md")


def test_people_are_masked_and_product_names_are_kept() -> None:
    text = "My name is Dana Smith. The Pixel Buds are great. Regards, Alex Moore"
    redacted, counts = redact_with_counts(text)
    assert "Dana" not in redacted and "Alex Moore" not in redacted
    assert "The Pixel Buds are great" in redacted
    assert counts == {"name": 2}
    kept, none = redact_with_counts("my name is irrelevant here")
    assert kept == "my name is irrelevant here" and not none


def test_batch_replies_are_checkpointed_so_a_resumed_run_sends_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from products.feedback_analyzer.cli import app

    path = feedback_file(tmp_path, count=2)
    with FakeProvider(responders.honest) as fake:
        env = {"OPENAI_API_KEY": "test", "OPENAI_BASE_URL": fake.openai_base_url,
               "AIPM_PROVIDER": "openai"}
        out = tmp_path / "batch.csv"
        submitted = CliRunner().invoke(app, ["analyze", str(path), "--batch-api", "--out",
                                             str(out), "--json"], env=env)
        job = json.loads(submitted.stdout)["batch_job"]
        CliRunner().invoke(app, ["collect", job, "--json"], env=env)
        done = CliRunner().invoke(app, ["collect", job, "--json"], env=env)
        assert json.loads(done.stdout)["failed"] == 0
        before = len(fake.requests)
        resumed = CliRunner().invoke(app, ["analyze", str(path), "--engine", "llm", "--resume",
                                           "--out", str(tmp_path / "again.csv"), "--json"],
                                     env=env)
        paid_again = len(fake.requests) - before
    assert resumed.exit_code == 0, resumed.stdout
    assert paid_again == 0
