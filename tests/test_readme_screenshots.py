"""The README shows one screenshot per hub page, the ones `make screenshots` writes."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.page_tour import PAGES


def test_every_page_has_a_committed_screenshot_in_the_readme(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text()
    for name, _ in PAGES.values():
        shot = Path("docs/screenshots") / f"{name}.png"
        assert (repo_root / shot).stat().st_size > 10_000, f"run `make screenshots` ({shot})"
        assert f"]({shot.as_posix()})" in readme, f"README does not show {shot}"
