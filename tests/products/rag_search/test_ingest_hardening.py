"""Ingest through the API and the CLI when files are damaged, names are odd or nothing is good.

The probes this pins: a DOCX with cut-off XML made the API answer 500 (the good PDF beside it
never indexed) and the CLI print a traceback; a 300-character upload name was a 500; skipped
uploads stayed in the uploads folder; an ingest that indexed nothing left an empty collection.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from frontdoors.cli import app
from shared.config import load_settings
from tests.products.rag_search.test_api import assert_error, client_for, upload
from tests.shared.test_documents import make_docx, make_pdf

GOOD_PDF = make_pdf(["Refunds reach the original card within five business days."])
runner = CliRunner()


def damaged_docx() -> bytes:
    """A DOCX whose main XML part is cut off half-way (the probe's file)."""
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = content[: len(content) // 2]
            target.writestr(info, content)
    return out.getvalue()


def uploads_folder(collection: str) -> Path:
    return load_settings().data_dir / "rag_search" / "uploads" / collection


def collection_names(client: object) -> set[str]:
    listing = client.get("/v1/rag/collections").json()  # type: ignore[attr-defined]
    return {info["name"] for info in listing["collections"]}


def test_api_damaged_docx_is_skipped_and_the_good_pdf_is_indexed() -> None:
    client = client_for(load_settings())
    response = upload(client, [("damaged.docx", damaged_docx()), ("good.pdf", GOOD_PDF)])
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["files_indexed"] == 1
    [skipped] = report["files_skipped"]
    assert skipped["path"] == "damaged.docx" and "not a readable .docx" in skipped["error"]
    hits = client.post("/v1/rag/search", json={"query": "refunds card"}).json()["results"]
    assert hits and hits[0]["source"] == "good.pdf"


def test_cli_damaged_docx_is_skipped_with_json_and_exit_0(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "damaged.docx").write_bytes(damaged_docx())
    (folder / "good.pdf").write_bytes(GOOD_PDF)
    result = runner.invoke(app, ["rag", "ingest", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["files_indexed"] == 1
    assert [s["path"] for s in report["files_skipped"]] == ["damaged.docx"]


def test_a_300_character_upload_name_is_400_with_a_reason() -> None:
    client = client_for(load_settings())
    message = assert_error(upload(client, [("a" * 297 + ".md", "# Hi\n\nText.")]), 400,
                           "bad_input")
    assert "too long" in message and "255" in message


def test_skipped_uploads_do_not_stay_in_the_uploads_folder() -> None:
    client = client_for(load_settings())
    report = upload(client, [("good.pdf", GOOD_PDF), ("bad.pdf", b"%PDF-1.4 garbage"),
                             ("damaged.docx", damaged_docx())], collection="kept").json()
    assert len(report["files_skipped"]) == 2
    assert sorted(p.name for p in uploads_folder("kept").iterdir()) == ["good.pdf"]


def test_a_bad_reupload_keeps_the_good_file_already_there() -> None:
    client = client_for(load_settings())
    assert upload(client, [("guide.pdf", GOOD_PDF)], collection="kb2").json()["files_indexed"]
    report = upload(client, [("guide.pdf", b"%PDF-1.4 garbage")], collection="kb2").json()
    assert [s["path"] for s in report["files_skipped"]] == ["guide.pdf"]
    assert (uploads_folder("kb2") / "guide.pdf").read_bytes() == GOOD_PDF


def test_an_upload_where_every_file_is_bad_leaves_no_collection() -> None:
    client = client_for(load_settings())
    report = upload(client, [("bad.pdf", b"%PDF-1.4 garbage")], collection="nothing").json()
    assert report["files_indexed"] == 0 and report["files_skipped"]
    assert "nothing" not in collection_names(client)
    assert_error(client.post("/v1/rag/search", json={"query": "x", "collection": "nothing"}),
                 404, "not_found")


def test_cli_ingest_of_an_empty_folder_says_so_and_leaves_no_collection(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["rag", "ingest", str(tmp_path / "empty"), "--collection",
                                 "hollow", "--json"])
    assert result.exit_code == 1 and "is an empty folder" in result.stderr
    assert "products/rag_search/data" in result.stderr  # it suggests a folder to try
    assert "hollow" not in collection_names(client_for(load_settings()))


def test_an_existing_collection_is_kept_when_a_later_ingest_adds_nothing() -> None:
    client = client_for(load_settings())
    upload(client, [("good.pdf", GOOD_PDF)], collection="stays")
    upload(client, [("bad.pdf", b"%PDF-1.4 garbage")], collection="stays")
    assert "stays" in collection_names(client)


def test_uploaded_files_are_owner_only() -> None:
    client = client_for(load_settings())
    upload(client, [("good.pdf", GOOD_PDF)], collection="private")
    assert (uploads_folder("private") / "good.pdf").stat().st_mode & 0o777 == 0o600
