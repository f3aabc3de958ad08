"""`aipm doctor`: what is configured, what works, and what to do next.

Shared by the CLI (`aipm doctor`), the API (`GET /v1/doctor`) so both return the same object.
The LLM check makes a REAL one-token call, because a key that is set is not a key that works:
the point of the doctor is to find a bad key before a demo does.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from products import PRODUCTS, kit_version
from shared.config import Settings, load_settings
from shared.errors import AIPMError
from shared.providers import PROVIDERS

DOCTOR_TIMEOUT_S = 20.0  # room for Ollama to load a model on its first call
ENV_FILE = Path(".env")  # where Settings looks for it: the folder the command runs in
BASELINE_DETAIL = (
    "No LLM configured: every product runs its baseline engine (BM25, VADER, heuristics), "
    "labelled as such. To switch to LLM mode add OPENAI_API_KEY or ANTHROPIC_API_KEY to .env, "
    "or start Ollama (`ollama serve`) and set AIPM_PROVIDER=ollama."
)


class Check(BaseModel):
    """One line of the doctor's verdict.

    `state` is "pass", "fail", or "info" for a line that neither passes nor fails (an optional
    key that is not set): it counts as ok, but is not shown as a ✓.
    """

    name: str
    ok: bool
    detail: str
    state: Literal["pass", "fail", "info"] = "pass"


class DoctorReport(BaseModel):
    """Everything `aipm doctor --json` and `GET /v1/doctor` print."""

    version: str
    ok: bool
    provider: str
    model: str | None
    engine: str
    data_dir: str
    vector_store: dict[str, str]
    embedder: str
    products: list[dict[str, str | bool]]
    checks: list[Check]
    next_steps: list[str]


def run_doctor(settings: Settings | None = None) -> DoctorReport:
    """Load settings (unless given), run every check, and say what to do next."""
    if settings is None:
        try:
            settings = load_settings()
        except AIPMError as err:
            return _settings_failed_report(err)
    checks = [settings_check(), *run_checks(settings)]
    return _report(settings, checks)


def settings_check() -> Check:
    """Where the settings came from: "and .env" only when a .env file is really there."""
    if ENV_FILE.is_file():
        return Check(name="settings", ok=True,
                     detail=f"Loaded from the environment and {ENV_FILE.resolve()}.")
    return Check(name="settings", ok=True,
                 detail="Loaded from the environment; there is no .env file in this folder "
                        "(copy .env.example to .env to keep keys and settings there).")


def _report(settings: Settings, checks: list[Check]) -> DoctorReport:
    return DoctorReport(
        version=kit_version(),
        ok=all(check.ok for check in checks),
        provider=settings.resolved_provider,
        model=settings.model_id,
        engine=settings.engine,
        data_dir=str(settings.data_dir.resolve()),
        vector_store=_vector_store_info(settings),
        embedder=settings.embedder,
        products=[{"name": p.name, "title": p.title, "cli": p.cli_name,
                   "available": p.available, "status": p.status} for p in PRODUCTS],
        checks=checks,
        next_steps=_next_steps(settings, checks),
    )


def _settings_failed_report(err: AIPMError) -> DoctorReport:
    return DoctorReport(
        version=kit_version(), ok=False, provider="unknown", model=None, engine="unknown",
        data_dir="unknown", vector_store={}, embedder="unknown", products=[],
        checks=[Check(name="settings", ok=False, state="fail", detail=err.message)],
        next_steps=["Fix the setting named above in .env, then run `aipm doctor` again."],
    )


def _vector_store_info(settings: Settings) -> dict[str, str]:
    if settings.vector_store_mode == "server":
        return {"mode": "server", "location": f"{settings.chroma_host}:{settings.chroma_port}"}
    return {"mode": "embedded", "location": str((settings.data_dir / "chroma").resolve())}


def check_data_dir(settings: Settings) -> Check:
    """The data dir holds the vector store, traces and cache, so it must be writable."""
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        tempfile.NamedTemporaryFile(dir=settings.data_dir, prefix=".doctor-").close()  # deletes it
    except OSError as err:
        return Check(name="data dir writable", ok=False, state="fail",
                     detail=f"Cannot write to {settings.data_dir}: {err.strerror}. "
                            "Set AIPM_DATA_DIR to a folder you can write to.")
    return Check(name="data dir writable", ok=True, detail=str(settings.data_dir.resolve()))


def check_provider_keys(settings: Settings) -> list[Check]:
    """One line per provider variable in the registry: a missing key fails only when the chosen
    provider needs it; otherwise it is an "info" line saying what it would enable."""
    provider = settings.resolved_provider
    users: dict[str, list[str]] = {}
    for spec in PROVIDERS.values():
        if spec.key_env:
            users.setdefault(spec.key_env, []).append(spec.name)
    return [_key_check(settings, env, names, provider) for env, names in users.items()]


def _key_check(settings: Settings, env: str, names: list[str], provider: str) -> Check:
    if settings.env_value(env):
        return Check(name=env, ok=True, detail=f"set (used by {', '.join(names)})")
    chosen = PROVIDERS.get(provider)
    if chosen is not None and chosen.key_env == env and chosen.key_required:
        return Check(name=env, ok=False, state="fail",
                     detail=f"not set, and AIPM_PROVIDER={provider} needs it: add {env}=... "
                            "to .env")
    return Check(name=env, ok=True, state="info",
                 detail=f"not set (only needed for {', '.join(names)}; add {env}=... to .env "
                        "to use it)")


def check_vector_store(settings: Settings) -> Check:
    """Open the store the products will use (embedded Chroma, or a heartbeat to CHROMA_HOST)."""
    from shared.vectorstore import open_vector_store

    info = _vector_store_info(settings)
    name = f"vector store ({info['mode']})"
    try:
        collections = open_vector_store(settings).list_collections()
    except AIPMError as err:
        return Check(name=name, ok=False, state="fail", detail=err.message)
    return Check(name=name, ok=True, detail=f"Chroma at {info['location']} answered "
                                            f"({len(collections)} collections)")


def fail_fast(settings: Settings) -> Settings:
    """The doctor's settings: the products' retries, each try capped at 20 s unless
    AIPM_LLM_TIMEOUT is set.

    The doctor retries exactly as the products do, so a blip the products would ride out does
    not fail it, and its "after N retries" is true. The 60 s default timeout, tried three
    times, kept a stuck host silent for three minutes; capped, it is one minute at most.
    """
    if "llm_timeout_s" in settings.model_fields_set:
        return settings
    return settings.model_copy(
        update={"llm_timeout_s": min(settings.llm_timeout_s, DOCTOR_TIMEOUT_S)})


def check_llm(settings: Settings) -> Check:
    """A real one-token call: the only way to know the key, model and host all work."""
    if settings.engine == "baseline":
        return Check(name="engine", ok=True, detail=BASELINE_DETAIL)
    from shared.llm import get_llm

    started = time.perf_counter()
    try:
        get_llm(fail_fast(settings), product="kit").complete(
            "Reply with OK.", max_tokens=1, operation="doctor")
    except AIPMError as err:
        return Check(name=f"LLM call ({settings.model_id})", ok=False, state="fail",
                     detail=err.message)
    elapsed_ms = (time.perf_counter() - started) * 1000
    return Check(name=f"LLM call ({settings.model_id})", ok=True,
                 detail=f"{settings.model_id} answered a one-token call in {elapsed_ms:.0f} ms")


def check_prices() -> Check:
    """How old the price table behind every cost figure is (an "info" line, never a failure:
    prices change more often than code, and the table is edited by hand)."""
    from shared.llm.pricing import pricing_table

    return Check(name="prices", ok=True, state="info",
                 detail=f"LLM prices as of {pricing_table().as_of} (shared/llm/pricing.json); "
                        "check the providers' price pages before quoting a budget")


def run_checks(settings: Settings) -> list[Check]:
    """All checks after settings load, in the order a person would fix them."""
    return [check_data_dir(settings), *check_provider_keys(settings),
            check_vector_store(settings), check_llm(settings), check_prices()]


def _next_steps(settings: Settings, checks: list[Check]) -> list[str]:
    failed = [check for check in checks if not check.ok]
    steps = [f"Fix '{check.name}': {check.detail}" for check in failed]
    if settings.engine == "baseline":
        keys = " or ".join(spec.key_env for spec in PROVIDERS.values() if spec.auto_detectable)
        steps.append(f"Add {keys} to .env (or start Ollama and set AIPM_PROVIDER=ollama) to "
                     "switch the products to LLM mode.")
    if not failed:
        steps.append("Run `aipm hub` to open the demo hub, or `aipm serve` for the API.")
    return steps


__all__ = [
    "Check",
    "DoctorReport",
    "check_data_dir",
    "check_llm",
    "check_prices",
    "check_provider_keys",
    "check_vector_store",
    "fail_fast",
    "run_checks",
    "run_doctor",
]
