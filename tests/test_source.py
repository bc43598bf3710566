"""pipeline.extract.source: every kind of bad input is one exact InputError line (exit 2), never a traceback."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from conftest import mutations
from pipeline.errors import GuardError, InputError
from pipeline.datapackage import sha256
from pipeline.extract.source import open_pdf

GOOD = Path(__file__).resolve().parent / "fixtures" / "ind-jaarcijfers-2023-reconstruction.pdf"
GOOD_BYTES = GOOD.read_bytes()

DAMAGED = "the PDF is damaged or incomplete. Download the release again."


def expect(exc_info: pytest.ExceptionInfo, path: Path, text: str, cls: type = InputError) -> None:
    """The exact one-line message, the exact class and exit code 2."""
    assert type(exc_info.value) is cls
    assert str(exc_info.value) == exc_info.value.message == f"{path}: {text}"
    assert "\n" not in str(exc_info.value)
    assert exc_info.value.exit_code == 2


def make_pdf(path: Path, pages: list[str | None], *, encrypt=None, image: bool = False) -> Path:
    """A small reportlab PDF: one page per entry, with that text (None: no text); optionally an image."""
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for text in pages:
        if image:
            picture = Image.new("RGB", (40, 20), "white")
            picture.paste((0, 0, 0), (5, 5, 35, 15))
            c.drawImage(ImageReader(picture), 100, 600, width=200, height=100)
        if text is not None:
            c.drawString(100, 700, text)
        c.showPage()
    c.save()
    return path


def text_of(pdf) -> str:
    return "".join(c["text"] for page in pdf.pages for c in page.chars)


# --- the good release -----------------------------------------------------------------------------------


def test_good_release_opens_with_its_pages_read(tmp_path):
    pdf = open_pdf(GOOD)
    try:
        assert len(pdf.pages) == 3
        assert all(page.chars for page in pdf.pages)
        assert "Jaarcijfers" in text_of(pdf)
    finally:
        pdf.close()


def test_sha256_is_the_digest_of_the_bytes():
    assert sha256(GOOD) == hashlib.sha256(GOOD_BYTES).hexdigest()


# --- one test per kind of bad input, in the order of the checks ----------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "raw" / "nothing.pdf"
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, "the file does not exist. Check the path; release PDFs go in raw/.")


def test_directory(tmp_path):
    with pytest.raises(InputError) as exc:
        open_pdf(tmp_path)
    expect(exc, tmp_path, "is a directory, not a PDF file. Pass the PDF inside it.")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path):
    path = tmp_path / "pipe.pdf"
    os.mkfifo(path)
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, "is not a regular file. Pass the PDF file itself.")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, "the file is empty (0 bytes). Download the release again.")


ERROR_PAGE = b"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>404 - Pagina niet gevonden | IND</title></head>
<body><h1>Pagina niet gevonden</h1><p>De pagina die u zoekt bestaat niet (meer).</p></body></html>
"""


@pytest.mark.parametrize("content", [
    ERROR_PAGE,
    b"\xef\xbb\xbf  \r\n" + ERROR_PAGE.replace(b"DOCTYPE", b"doctype"),
    b"<HTML><BODY>Access denied</BODY></HTML>",
    b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    b"\n<head><title>Bad gateway</title></head>",
], ids=["doctype", "bom-whitespace-lowercase", "html", "xhtml", "head"])
def test_html_page(tmp_path, content):
    path = tmp_path / "ind-jaarcijfers-2023.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, "this is an HTML page, not a PDF (likely a failed download). Download the PDF again from ind.nl.")


def test_random_bytes_are_not_a_pdf(tmp_path):
    path = tmp_path / "random.pdf"
    path.write_bytes(random.Random(0).randbytes(5000))
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, "this is not a PDF file. Pass the IND Jaarcijfers release PDF.")


def test_truncated_download_is_damaged(tmp_path):
    path = tmp_path / "half.pdf"
    path.write_bytes(GOOD_BYTES[: len(GOOD_BYTES) // 2])
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, DAMAGED)


def test_unparseable_body_with_an_eof_marker_is_damaged(tmp_path):
    path = tmp_path / "hollow.pdf"
    path.write_bytes(GOOD_BYTES[:16] + b"\0" * (len(GOOD_BYTES) - 32) + GOOD_BYTES[-16:])
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, DAMAGED)


def test_corrupt_content_stream_is_damaged_not_a_scan(tmp_path):
    """pdfminer reads a content stream that does not inflate as empty: that must not pass as "no text"."""
    start = GOOD_BYTES.index(b"stream\n", GOOD_BYTES.index(b"/Contents")) + len(b"stream\n")
    data = bytearray(GOOD_BYTES)
    data[start + 2: start + 40] = bytes(38)
    path = tmp_path / "corrupt-stream.pdf"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, DAMAGED)


@pytest.fixture()
def encrypted(tmp_path) -> Path:
    return make_pdf(tmp_path / "encrypted.pdf", ["Jaarcijfers - 2023"],
                    encrypt=StandardEncryption("secret", ownerPassword="o"))


def test_encrypted_without_password(encrypted):
    with pytest.raises(InputError) as exc:
        open_pdf(encrypted)
    expect(exc, encrypted, "the PDF is encrypted. Pass its password with --password.")


def test_encrypted_with_wrong_password(encrypted):
    with pytest.raises(InputError) as exc:
        open_pdf(encrypted, password="wrong")
    expect(exc, encrypted, "the password does not open this PDF. Check the value given to --password.")


@pytest.mark.parametrize("password", ["secret", "o"], ids=["user", "owner"])
def test_encrypted_opens_with_its_password(encrypted, password):
    pdf = open_pdf(encrypted, password=password)
    try:
        assert text_of(pdf) == "Jaarcijfers - 2023"
    finally:
        pdf.close()


@pytest.mark.parametrize("password", [None, "", "anything"])
def test_owner_password_only_is_not_an_error(tmp_path, password):
    """No user password: every viewer opens it, so do we (even when a useless --password is given)."""
    path = make_pdf(tmp_path / "owner-only.pdf", ["Jaarcijfers - 2023"],
                    encrypt=StandardEncryption("", ownerPassword="o"))
    pdf = open_pdf(path, password=password)
    try:
        assert text_of(pdf) == "Jaarcijfers - 2023"
    finally:
        pdf.close()


def test_too_many_pages(tmp_path):
    path = make_pdf(tmp_path / "five.pdf", [f"page {i}" for i in range(1, 6)])
    with pytest.raises(GuardError) as exc:
        open_pdf(path, max_pages=3)
    expect(exc, path, "the PDF has 5 pages, more than the limit of 3. "
                      "Raise the limit with --max-pages if this is really a release.", GuardError)
    open_pdf(path, max_pages=5).close()


def test_scan_without_text_layer(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", [None, None], image=True)
    with pytest.raises(InputError) as exc:
        open_pdf(path)
    expect(exc, path, "the PDF has no text layer (a scanned document). "
                      "Run OCR on it first (e.g. ocrmypdf) and pass the result.")


def test_the_file_is_closed_after_a_failure(tmp_path, encrypted):
    """No open file is left behind (Windows could not delete it; a batch run would leak handles)."""
    scan = make_pdf(tmp_path / "scan.pdf", [None], image=True)
    for path in (encrypted, scan):
        with pytest.raises(InputError):
            open_pdf(path)
        path.unlink()


# --- any byte sequence: a good PDF or one InputError ----------------------------------------------------

MUTATIONS = mutations()  # bytes flipped, replaced, deleted; ranges deleted, duplicated; in streams or anywhere


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(MUTATIONS.strategy(), min_size=1, max_size=20))
def test_mutated_release_opens_or_raises_input_error(tmp_path, edits):
    path = tmp_path / "mutated.pdf"
    path.write_bytes(MUTATIONS.mutate(GOOD_BYTES, edits))
    try:
        pdf = open_pdf(path)
    except InputError:
        return
    pdf.close()



def test_a_standard_font_reads_with_the_advances_it_states(tmp_path):
    """pdfminer's own metrics of Courier lack the Euro sign: it read zero wide, and every glyph after it in
    the string a glyph too far left. Read with the font's /Widths, every Courier glyph is 0.6 em wide."""
    from conftest import generator

    generator()  # puts the renderer's fonts on the path
    from render.fonts import fonts_for

    path = tmp_path / "euro.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(fonts_for("courier").regular, 10)
    c.drawString(100, 700, "€ 11,3 mln")
    c.showPage()
    c.save()
    pdf = open_pdf(path)
    try:
        chars = pdf.pages[0].chars
    finally:
        pdf.close()
    assert "".join(ch["text"] for ch in chars) == "€ 11,3 mln"
    assert [round(ch["x0"] - 100, 6) for ch in chars] == [6.0 * i for i in range(len(chars))]
