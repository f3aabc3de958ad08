"""Each built product forks into a repository whose fresh clone passes its own `make test`.

Speed: the clone's `.venv` is pre-created with one `.pth` line pointing at this kit's
installed packages (and the console scripts those packages ship), and `make test` runs
with `PIP_FLAGS="--no-index --no-build-isolation"`. The fork's own Makefile, pyproject,
editable install, ruff and pytest all run for real; only the download is skipped, so the
test needs no network and works on a CI machine where `make test` just installed the kit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products

pytestmark = pytest.mark.e2e
OFFLINE_PIP = "--no-index --no-build-isolation"


def warm_venv(repo: Path) -> None:
    """A venv that sees the kit's installed packages, as a pip cache would provide them."""
    subprocess.run([sys._base_executable, "-m", "venv", str(repo / ".venv")], check=True)
    site_packages = next((repo / ".venv" / "lib").glob("python3*/site-packages"))
    (site_packages / "kit_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    kit_bin, fork_bin = Path(sys.executable).parent, repo / ".venv" / "bin"
    for script in kit_bin.iterdir():
        if not (fork_bin / script.name).exists() and script.name != "aipm":
            (fork_bin / script.name).symlink_to(script)


def clean_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep} | {"HF_HUB_OFFLINE": "1"}


@pytest.mark.timeout(900)
@pytest.mark.parametrize("spec", available_products(), ids=lambda s: s.name)
def test_a_fork_passes_its_own_make_test_from_a_fresh_clone(spec) -> None:  # type: ignore[no-untyped-def]
    # Its own temporary folder: pytest prunes old basetemp folders of other concurrent runs.
    with tempfile.TemporaryDirectory(prefix="aipm-fork-test-") as folder:
        fork_and_test(spec, Path(folder))


def fork_and_test(spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fork = tmp_path / "fork"
    result = CliRunner().invoke(build_app(available_products()),
                                ["fork", spec.cli_name, str(fork), "--json"])
    assert result.exit_code == 0, result.output
    assert not (fork / "products" / "resume_assistant").exists() or spec.name == "resume_assistant"
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(fork), str(clone)], check=True)
    warm_venv(clone)
    done = subprocess.run(["make", "test", f"PIP_FLAGS={OFFLINE_PIP}"], cwd=clone,
                          env=clean_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout
    aipm = subprocess.run([str(clone / ".venv" / "bin" / "aipm"), "--help"], cwd=clone,
                          env=clean_env(), capture_output=True, text=True)
    assert spec.cli_name in aipm.stdout
    others = [s.cli_name for s in available_products() if s.name != spec.name]
    assert not any(f" {name} " in aipm.stdout for name in others)
    standalone = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c",
                                 STANDALONE_CHECK.format(name=spec.name, cli=spec.cli_name)],
                                cwd=clone, env=clean_env() | {"AIPM_DATA_DIR": str(tmp_path)},
                                capture_output=True, text=True)
    assert standalone.returncode == 0, standalone.stderr[-3000:]
    assert standalone.stdout.split() == [str(clone / "products" / "__init__.py"), "200", "True",
                                        "ok"]


# Inside the clone: the fork's own packages are imported (not the kit's), the API answers on
# the product's routes, and the hub runs the product's page with no exception.
STANDALONE_CHECK = """
import products
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest
from frontdoors.server import create_app
print(products.__file__)
app = create_app()
print(TestClient(app, base_url="http://127.0.0.1").get("/v1/products").status_code)
print(any(path.startswith("/v1/{cli}/") for path in app.openapi()["paths"]))
hub = AppTest.from_file("frontdoors/hub.py", default_timeout=60).run()
hub.switch_page("{name}/ui.py").run()
assert not hub.exception, [e.value for e in hub.exception]
print("ok")
"""
