"""Shared inputs for the résumé assistant tests: the bundled samples and wordllama settings."""

from __future__ import annotations

from pathlib import Path

from products.resume_assistant.core.service import Upload
from shared.config import Settings, load_settings

DATA = Path(__file__).resolve().parents[3] / "products" / "resume_assistant" / "data"
MAYA = DATA / "resumes" / "maya_okafor_product_manager.md"
DANIEL = DATA / "resumes" / "daniel_reyes_data_analyst.docx"
PRIYA = DATA / "resumes" / "priya_nair_nurse_educator.pdf"
PM_JD = DATA / "jobs" / "senior_pm_growth_northwind.md"
NURSE_JD = DATA / "jobs" / "clinical_nurse_educator_lakeside.html"
ANALYST_JD = DATA / "jobs" / "data_analyst_harbor_retail.txt"
PLATFORM_JD = DATA / "jobs" / "platform_engineer_cobalt.md"


def upload(path: Path) -> Upload:
    return path.name, path.read_bytes()


def keyless_settings() -> Settings:
    """Baseline engine with the embedder the product is calibrated for."""
    return load_settings(embedder="wordllama")


def llm_settings(fake_url: str) -> Settings:
    """The LLM engine pointed at the fake provider."""
    return load_settings(embedder="wordllama", provider="openai", openai_api_key="test-key",
                         openai_base_url=fake_url, llm_timeout_s=5.0, llm_max_retries=0)
