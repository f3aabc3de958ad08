"""The `aipm` CLI through typer's CliRunner: help, version, doctor in every mode, ops, errors."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from frontdoors.cli import app, build_app
from frontdoors.doctor import DOCTOR_TIMEOUT_S, fail_fast
from products import ProductSpec
from shared.config import load_settings
from shared.errors import BadKey
from shared.llm import get_llm
from shared.ops import format_usd
from shared.testing.fake_provider import FakeProvider
from shared.tracing import TraceRow, TraceStore

runner = CliRunner()
HEAVY_MODULES = {"chromadb", "pandas", "openai", "anthropic", "streamlit", "fastapi", "uvicorn"}


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


def doctor_json(env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    result = invoke("doctor", "--json", env=env)
    return result.exit_code, json.loads(result.stdout)


def check_named(report: dict[str, Any], prefix: str) -> dict[str, Any]:
    return next(check for check in report["checks"] if check["name"].startswith(prefix))


def fast_llm_env() -> dict[str, str]:
    return {"AIPM_LLM_TIMEOUT": "2", "AIPM_LLM_MAX_RETRIES": "0"}


def test_help_lists_every_platform_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("doctor", "hub", "serve", "ops", "version"):
        assert command in result.stdout


def test_help_imports_nothing_heavy(repo_root: Path) -> None:
    code = (
        "import sys\nfrom frontdoors.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(set({sorted(HEAVY_MODULES)!r}) & set(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=repo_root, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_version_human_and_json(repo_root: Path) -> None:
    expected = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["version"]
    assert invoke("version").stdout.strip() == f"aipm {expected}"
    assert json.loads(invoke("version", "--json").stdout) == {"version": expected}


def test_doctor_keyless_reports_baseline_and_passes(tmp_path: Path) -> None:
    code, report = doctor_json()
    assert code == 0 and report["ok"] is True
    assert (report["engine"], report["provider"], report["model"]) == ("baseline", "none", None)
    assert report["vector_store"]["mode"] == "embedded"
    assert report["data_dir"] == str((tmp_path / "aipm-data").resolve())
    assert "baseline engine" in check_named(report, "engine")["detail"]
    assert check_named(report, "vector store")["ok"] is True
    assert {p["status"] for p in report["products"]} <= {"Available", "Not built yet"}


def test_doctor_human_output_says_baseline_and_next_steps() -> None:
    result = invoke("doctor")
    assert result.exit_code == 0
    assert "baseline" in result.stdout and "Next steps" in result.stdout


def test_doctor_openai_makes_a_real_one_token_call(fake_provider: FakeProvider) -> None:
    env = {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": fake_provider.openai_base_url,
           **fast_llm_env()}
    code, report = doctor_json(env)
    assert code == 0, report
    assert (report["provider"], report["model"], report["engine"]) == (
        "openai", "openai:gpt-4.1-mini", "llm")
    assert check_named(report, "LLM call")["ok"] is True
    assert check_named(report, "OPENAI_API_KEY")["detail"].startswith("set (used by openai")
    assert [r["model"] for r in fake_provider.requests] == ["gpt-4.1-mini"]


def test_doctor_bad_key_fails_with_the_kit_message(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("401", "401")
    env = {"OPENAI_API_KEY": "wrong-key", "OPENAI_BASE_URL": fake_provider.openai_base_url,
           **fast_llm_env()}
    code, report = doctor_json(env)
    llm_check = check_named(report, "LLM call")
    assert code == 1 and report["ok"] is False and llm_check["ok"] is False
    settings = load_settings(openai_api_key="wrong-key", llm_max_retries=0,
                             openai_base_url=fake_provider.openai_base_url)
    with pytest.raises(BadKey) as raised:
        get_llm(settings, product="kit").complete("Reply with OK.", max_tokens=1)
    assert llm_check["detail"] == raised.value.message
    assert any(llm_check["detail"] in step for step in report["next_steps"])


def test_doctor_anthropic_mode(fake_provider: FakeProvider) -> None:
    env = {"ANTHROPIC_API_KEY": "test-key",
           "ANTHROPIC_BASE_URL": fake_provider.anthropic_base_url, **fast_llm_env()}
    code, report = doctor_json(env)
    assert code == 0, report
    assert report["provider"] == "anthropic"
    assert report["model"].startswith("anthropic:")
    assert [r["provider"] for r in fake_provider.requests] == ["anthropic"]


def test_doctor_ollama_mode_uses_the_openai_wire(fake_provider: FakeProvider) -> None:
    env = {"AIPM_PROVIDER": "ollama", "OLLAMA_HOST": fake_provider.url, **fast_llm_env()}
    code, report = doctor_json(env)
    assert code == 0, report
    assert (report["provider"], report["model"]) == ("ollama", "ollama:llama3.2")
    assert [r["model"] for r in fake_provider.requests] == ["llama3.2"]


def test_doctor_missing_key_for_chosen_provider_fails() -> None:
    code, report = doctor_json({"AIPM_PROVIDER": "openai"})
    assert code == 1
    assert check_named(report, "OPENAI_API_KEY")["ok"] is False
    assert check_named(report, "LLM call")["ok"] is False


def test_doctor_unreachable_chroma_server_fails() -> None:
    code, report = doctor_json({"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": "9"})
    vector_check = check_named(report, "vector store (server)")
    assert code == 1 and vector_check["ok"] is False
    assert "chroma run" in vector_check["detail"]


def test_doctor_invalid_setting_still_prints_json() -> None:
    code, report = doctor_json({"AIPM_PROVIDER": "bogus"})
    assert code == 1 and report["checks"][0]["name"] == "settings"
    assert "AIPM_PROVIDER" in report["checks"][0]["detail"]


def test_ops_json_sums_recorded_calls(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "aipm-data" / "traces.sqlite")
    store.record(TraceRow(product="rag_search", provider="openai", model="gpt-4.1-mini",
                          latency_ms=100, input_tokens=40, output_tokens=10, cost_usd=0.002))
    store.record(TraceRow(product="rag_search", provider="openai", model="gpt-4.1-mini",
                          status="error", error="rate_limited"))
    result = invoke("ops", "--json", "--recent", "1")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["totals"] == {"calls": 2, "errors": 1, "cache_hits": 0, "input_tokens": 40,
                                "output_tokens": 10, "tokens": 50, "cost_usd": 0.002}
    assert len(report["recent"]) == 1 and report["recent_errors"][0]["error"] == "rate_limited"
    assert report["by_model"][0]["product"] == "rag_search"


def test_ops_human_output_empty_state() -> None:
    result = invoke("ops")
    assert result.exit_code == 0 and "Nothing recorded yet" in result.stdout


def test_kit_error_is_one_line_on_stderr_and_exit_1() -> None:
    result = invoke("ops", "--json", env={"AIPM_PROVIDER": "bogus"})
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: Invalid setting")
    assert json.loads(result.stdout)["error"]["code"] == "bad_input"


def test_usage_error_exits_2() -> None:
    assert invoke("ops", "--recent", "-1").exit_code == 2
    assert invoke("no-such-command").exit_code == 2


def test_available_product_groups_are_mounted_by_cli_name(sample_spec: ProductSpec) -> None:
    product_app = build_app([sample_spec])
    result = runner.invoke(product_app, ["sample", "hello", "--name", "Ada"])
    assert result.exit_code == 0 and result.stdout == "hello Ada\n"
    assert "sample" in runner.invoke(product_app, ["--help"]).stdout


def test_product_kit_errors_become_one_line_messages(sample_spec: ProductSpec) -> None:
    result = runner.invoke(build_app([sample_spec]), ["sample", "broken"])
    assert result.exit_code == 1
    assert result.stderr == ("Error: reviews.csv row 3 has no text column. "
                             "Add a 'text' header and retry.\n")


def test_ops_human_output_lists_models_and_recent_calls(tmp_path: Path) -> None:
    TraceStore(tmp_path / "aipm-data" / "traces.sqlite").record(
        TraceRow(product="resume_assistant", provider="ollama", model="llama3.2",
                 operation="structured", latency_ms=950, input_tokens=12, output_tokens=3))
    result = invoke("ops", env={"COLUMNS": "200"})  # wide enough that rich folds nothing
    assert result.exit_code == 0
    assert "ollama:llama3.2" in result.stdout and "Recent calls" in result.stdout
    assert "calls 1  errors 0  tokens 15" in result.stdout


def test_data_dir_that_cannot_be_created_fails_checks_without_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("AIPM_DATA_DIR below points inside a file")
    env = {"AIPM_DATA_DIR": str(blocker / "data")}
    code, report = doctor_json(env)
    assert code == 1
    assert not check_named(report, "data dir")["ok"]
    assert "AIPM_DATA_DIR" in check_named(report, "vector store")["detail"]
    result = invoke("ops", env=env)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "AIPM_DATA_DIR" in result.stderr


def test_doctor_human_output_with_a_bad_setting_prints_no_placeholders() -> None:
    result = invoke("doctor", env={"AIPM_PROVIDER": "bogus"})
    assert result.exit_code == 1
    assert "engine: unknown" in result.stdout
    assert "None" not in result.stdout and "AIPM_PROVIDER='bogus'" in result.stdout


def test_ops_human_output_shows_sub_cent_costs(tmp_path: Path) -> None:
    # A one-token doctor call costs ~$0.00002; four decimals printed it as $0.0000.
    TraceStore(tmp_path / "aipm-data" / "traces.sqlite").record(
        TraceRow(product="kit", provider="openai", model="gpt-4.1-mini", operation="doctor",
                 latency_ms=40, input_tokens=4, output_tokens=10, cost_usd=0.000018))
    result = invoke("ops", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "cost $0.000018" in result.stdout
    assert format_usd(0.0005) == "$0.0005" and format_usd(2.5) == "$2.5000"


def test_doctor_retries_a_blip_as_the_products_do(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("500")
    env = {"AIPM_PROVIDER": "ollama", "OLLAMA_HOST": fake_provider.url,
           "AIPM_LLM_MAX_RETRIES": "1"}
    code, report = doctor_json(env)
    assert code == 0 and check_named(report, "LLM call")["ok"] is True
    assert len(fake_provider.requests) == 2


def test_doctor_says_how_many_retries_it_made(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("500", "500")
    env = {"AIPM_PROVIDER": "ollama", "OLLAMA_HOST": fake_provider.url,
           "AIPM_LLM_MAX_RETRIES": "1"}
    code, report = doctor_json(env)
    detail = check_named(report, "LLM call")["detail"]
    assert code == 1 and "server error (500) after 1 retry" in detail
    assert len(fake_provider.requests) == 2


def test_doctor_with_retries_off_claims_no_retries(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("500")
    env = {"AIPM_PROVIDER": "ollama", "OLLAMA_HOST": fake_provider.url,
           "AIPM_LLM_MAX_RETRIES": "0"}
    code, report = doctor_json(env)
    detail = check_named(report, "LLM call")["detail"]
    assert code == 1 and "server error (500)" in detail and "retr" not in detail


def test_doctor_caps_the_default_timeout_but_keeps_an_explicit_one() -> None:
    assert fail_fast(load_settings()).llm_timeout_s == DOCTOR_TIMEOUT_S
    assert fail_fast(load_settings(llm_timeout_s=90.0)).llm_timeout_s == 90.0
    assert fail_fast(load_settings(llm_max_retries=5)).llm_max_retries == 5


def test_an_unset_key_is_a_neutral_line_not_a_tick() -> None:
    code, report = doctor_json()
    line = check_named(report, "ANTHROPIC_API_KEY")
    assert code == 0 and line["state"] == "info" and "only needed for anthropic" in line["detail"]
    human = invoke("doctor", env={"COLUMNS": "200"}).stdout
    key_line = next(row for row in human.splitlines() if "ANTHROPIC_API_KEY" in row)
    assert "✓" not in key_line and "–" in key_line
    assert "not set and not needed" in human


def test_a_key_the_chosen_provider_needs_fails() -> None:
    code, report = doctor_json({"AIPM_PROVIDER": "anthropic"})
    line = check_named(report, "ANTHROPIC_API_KEY")
    assert code == 1 and line["state"] == "fail" and "AIPM_PROVIDER=anthropic" in line["detail"]


def test_settings_line_names_dotenv_only_when_it_exists(tmp_path: Path) -> None:
    _, report = doctor_json()
    assert "no .env file" in check_named(report, "settings")["detail"]
    (tmp_path / ".env").write_text("AIPM_EMBEDDER=hashing\n")
    _, report = doctor_json()
    assert check_named(report, "settings")["detail"].endswith(f"{tmp_path / '.env'}.")


@pytest.mark.parametrize("command", ["serve", "hub"])
def test_busy_port_is_one_line_not_a_server_log(command: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = invoke(command, "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: Cannot listen on 127.0.0.1:{port} (Address already in "
                             "use). Stop what is using that port, or pick another one: `--port "
                             "8600` on the command, or `make demo PORT=8600` / `make serve "
                             "PORT=8600`.\n")


def test_unbuilt_product_command_says_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    import frontdoors.cli as cli
    from products import product

    imaginary = product("imaginary_product", "Imaginary product", "Does nothing.", "imaginary")
    monkeypatch.setattr(cli, "PRODUCTS", (*cli.PRODUCTS, imaginary))
    result = invoke("imaginary", "ingest", "docs/")
    assert result.exit_code == 1
    assert "Imaginary product, which is not built in this checkout yet" in result.stderr
    assert "No such command" not in result.stderr


def test_unknown_command_is_still_a_usage_error() -> None:
    result = invoke("no-such-command")
    assert result.exit_code == 2
    assert "No such command" in result.stderr


@pytest.mark.parametrize(("host", "token"), [("127.0.0.1", None), ("0.0.0.0", "secret")])
def test_serve_allows_loopback_or_a_token(host: str, token: str | None) -> None:
    from frontdoors.cli import refuse_if_exposed

    refuse_if_exposed(host, load_settings(api_token=token))


def test_serve_insecure_warns_when_exposed_without_a_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from frontdoors.cli import refuse_if_exposed

    refuse_if_exposed("0.0.0.0", load_settings(api_token=""), insecure=True)
    assert "no AIPM_API_TOKEN (--insecure)" in capsys.readouterr().err


def test_doctor_shows_the_date_of_the_price_table() -> None:
    from shared.llm.pricing import pricing_table

    _, report = doctor_json()
    prices = [check for check in report["checks"] if check["name"] == "prices"]
    assert prices and prices[0]["state"] == "info"
    assert pricing_table().as_of in prices[0]["detail"]
