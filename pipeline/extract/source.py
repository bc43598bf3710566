"""Open a release PDF safely: every kind of bad input becomes one ``InputError`` line, never a traceback.

The checks run from the cheapest to the most expensive, each on what the previous ones proved:

1. the path: missing, a directory, not a regular file, unreadable, empty;
2. the first KiB: an HTML page (a failed download), no ``%PDF-`` header;
3. the last KiB: no ``%%EOF`` (a truncated download);
4. the parse by pdfminer (through pdfplumber): damaged, encrypted without / with a wrong password;
5. the page count against ``max_pages`` (``GuardError``), before any page is read;
6. every object the pages use parses, every Flate stream among them inflates with a matching checksum
   (pdfminer would silently read a broken one as empty or partial: a "scan", or numbers missing) and to
   no more than a quarter of the memory limit, and the pages draw no more than 1/128 of it, forms drawn
   within forms counted as often as they are drawn (``integrity``: bombs end as the memory line at once);
7. every page's characters, read once (damaged page; ``chars.page_chars``: without the page's paths), and
   at least one visible character (else a scan).

A chain of objects that are only references to each other and leads back to itself (pdfminer's
``resolve1`` would loop forever on it) is damaged wherever it is met (``integrity.guard_pdfminer``).

pdfminer and pdfplumber signal a broken file with almost any exception (``PDFSyntaxError``, ``PSEOF``,
``KeyError``, ``TypeError``, ``struct.error``, ``zlib.error``, ``RecursionError`` on reference cycles, ...), and
pdfplumber wraps whatever ``PDFDocument`` raises in ``PdfminerException``. So every call into them is guarded
by ``except Exception`` and turned into the "damaged" message; only a memory error is let through (also
when pdfplumber wrapped it), for the memory limit (``guards.memory_limit``) to name.
"""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1

from pipeline.errors import GuardError, InputError
from pipeline.extract.chars import page_chars
from pipeline.extract.integrity import (
    DRAWN_SHARE,
    STREAM_SHARE,
    TooLarge,
    check_drawing,
    check_objects,
    guard_pdfminer,
)
from pipeline.extract.widths import honour_widths
from pipeline.guards import memory_cap, memory_error

HEAD_BYTES = 1024  # where the %PDF- header (and an HTML page's start) must be
TAIL_BYTES = 1024  # where %%EOF must be

DAMAGED = ("the PDF is damaged or incomplete.", "Download the release again.")
ENCRYPTED = ("the PDF is encrypted.", "Pass its password with --password.")
WRONG_PASSWORD = ("the password does not open this PDF.", "Check the value given to --password.")

guard_pdfminer()
honour_widths()


def open_pdf(path: Path, *, password: str | None = None, max_pages: int = 200) -> pdfplumber.PDF:
    """Open ``path`` as a release PDF and read every page once; the caller closes the returned PDF.

    Raises ``InputError`` (exit 2) with one precise line for every unusable input, and ``GuardError`` when
    the PDF has more than ``max_pages`` pages.
    """
    size = _check_file(path)
    head, tail = _read_ends(path, size)
    _check_bytes(path, head, tail)
    pdf = _parse(path, password or None)
    try:
        _check_pages(path, pdf, max_pages)
    except BaseException:
        _discard(pdf)
        raise
    return pdf


def _discard(pdf: pdfplumber.PDF) -> None:
    """Close a PDF that is not handed out. Not ``pdf.close()``: that walks the page tree (slow for a huge
    PDF, and it raises again for a damaged one)."""
    try:
        pdf.stream.close()
    except Exception:  # pragma: no cover - closing a read-only file
        pass


# --- 1. the path --------------------------------------------------------------------------------------


def _check_file(path: Path) -> int:
    """The file's size, after proving it is an existing, non-empty regular file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(path, "the file does not exist.", "Check the path; release PDFs go in raw/.") from None
    except NotADirectoryError:  # a path through a file, e.g. raw/x.pdf/y.pdf
        raise InputError(path, "the file does not exist.", "Check the path; release PDFs go in raw/.") from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, "is a directory, not a PDF file.", "Pass the PDF inside it.")
    if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
        raise InputError(path, "is not a regular file.", "Pass the PDF file itself.")
    if st.st_size == 0:
        raise InputError(path, "the file is empty (0 bytes).", "Download the release again.")
    return st.st_size


def _unreadable(path: Path, exc: OSError) -> InputError:
    reason = exc.strerror or type(exc).__name__
    return InputError(path, f"the file cannot be read ({reason.lower()}).", "Check that it is readable.")


def _read_ends(path: Path, size: int) -> tuple[bytes, bytes]:
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            fh.seek(max(0, size - TAIL_BYTES))
            tail = fh.read(TAIL_BYTES)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if not head:  # emptied since the stat
        raise InputError(path, "the file is empty (0 bytes).", "Download the release again.")
    return head, tail


# --- 2./3. the bytes at both ends ---------------------------------------------------------------------


def looks_like_html(head: bytes) -> bool:
    """True when ``head`` starts (after a BOM, white space and comments) like an HTML page."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, errors="ignore")
            break
    else:
        text = head.decode("latin-1")
    text = text.lstrip().lower()
    while text.startswith("<!--") and "-->" in text:  # a leading comment before the doctype
        text = text[text.index("-->") + 3:].lstrip()
    if text.startswith(("<!doctype html", "<html", "<head")):
        return True
    return text.startswith("<?xml") and "<html" in text


def _check_bytes(path: Path, head: bytes, tail: bytes) -> None:
    if looks_like_html(head):
        raise InputError(path, "this is an HTML page, not a PDF (likely a failed download).",
                         "Download the PDF again from ind.nl.")
    if b"%PDF-" not in head:
        raise InputError(path, "this is not a PDF file.", "Pass the IND Jaarcijfers release PDF.")
    if b"%%EOF" not in tail:
        raise InputError(path, *DAMAGED)


# --- 4. the parse -------------------------------------------------------------------------------------


def _cause(exc: BaseException) -> BaseException:
    """The pdfminer exception inside pdfplumber's ``PdfminerException`` wrapper (or ``exc`` itself)."""
    inner = exc.args[0] if getattr(exc, "args", None) else None
    return inner if isinstance(inner, BaseException) else exc


def _parse(path: Path, password: str | None) -> pdfplumber.PDF:
    try:
        return _open(path, password)
    except PDFPasswordIncorrect:
        if password is None:
            raise InputError(path, *ENCRYPTED) from None
        # pdfminer tries a given password only as user and owner password, never the empty one: a PDF
        # with only an owner password (opens in any viewer) would be refused because of a wrong --password.
        try:
            return _open(path, None)
        except PDFPasswordIncorrect:
            raise InputError(path, *WRONG_PASSWORD) from None


def _open(path: Path, password: str | None) -> pdfplumber.PDF:
    """``pdfplumber.open``, with every failure but a password one turned into the damaged message.

    The file is opened here so that it is closed on every failure (pdfplumber closes it only when
    ``PDFDocument`` fails, not when reading the metadata does); ``pdf.close()`` closes it afterwards.
    """
    try:
        stream = open(path, "rb")
    except OSError as exc:
        raise _unreadable(path, exc) from None
    try:
        return pdfplumber.PDF(stream, stream_is_external=False, path=Path(path), password=password or "")
    except MemoryError:
        stream.close()
        raise
    except Exception as exc:
        stream.close()
        cause = _cause(exc)
        if isinstance(cause, MemoryError):  # pdfplumber wraps whatever PDFDocument raises
            raise cause from None
        if isinstance(cause, PDFPasswordIncorrect):
            raise cause from None
        if isinstance(cause, PDFEncryptionError):  # an encryption pdfminer cannot decrypt
            raise InputError(path, *ENCRYPTED) from None
        raise InputError(path, *DAMAGED) from None


# --- 5./6. the pages ----------------------------------------------------------------------------------


def _declared_page_count(pdf: pdfplumber.PDF) -> int | None:
    """``/Count`` of the page tree's root, without walking the tree (None when absent or not a number)."""
    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except MemoryError:
        raise
    except Exception:
        return None
    return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None


def _has_more_pages_than(pdf: pdfplumber.PDF, limit: int) -> bool:
    """Whether the PDF really has more than ``limit`` pages, walking at most ``limit + 1`` of them."""
    try:
        return sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), limit + 1)) > limit
    except MemoryError:
        raise
    except Exception:  # a broken page tree: reading the pages tells
        return False


def _check_pages(path: Path, pdf: pdfplumber.PDF, max_pages: int) -> None:
    declared = _declared_page_count(pdf)
    # Refuse a huge PDF before walking its whole page tree; a damaged /Count alone refuses nothing.
    if declared is not None and declared > max_pages and _has_more_pages_than(pdf, max_pages):
        raise _too_many(path, declared, max_pages)
    try:
        pages = pdf.pages
    except Exception as exc:
        raise _damaged(path, exc) from None
    if len(pages) > max_pages:  # /Count can be missing or wrong
        raise _too_many(path, len(pages), max_pages)
    if not pages:
        raise InputError(path, *DAMAGED)
    _check_objects(path, pdf.doc, pages)
    has_text = False
    for page in pages:
        try:
            chars = page_chars(page)  # parsed once (its characters only) and cached on the page for the caller
        except Exception as exc:
            raise _damaged(path, exc) from None
        has_text = has_text or any(str(c.get("text", "")).strip() for c in chars)
    if not has_text:
        raise InputError(path, "the PDF has no text layer (a scanned document).",
                         "Run OCR on it first (e.g. ocrmypdf) and pass the result.")


def _check_objects(path: Path, doc: PDFDocument, pages: list) -> None:
    """``integrity.check_objects`` and ``check_drawing`` on everything the pages use (pdfminer finds pages by
    a scan when the page tree is broken), within budgets drawn from the memory limit in force."""
    cap = memory_cap()
    try:
        sizes = check_objects(doc, [doc.catalog.get("Pages"), *(page.page_obj.attrs for page in pages)],
                              cap // STREAM_SHARE if cap else None)
        check_drawing([page.page_obj for page in pages], sizes, cap // DRAWN_SHARE if cap else None)
    except TooLarge as exc:
        raise memory_error(path, cap >> 20, f": {exc.why}") from None
    except Exception as exc:  # Damaged, a reference cycle, bad zlib data, an object that does not parse
        raise _damaged(path, exc) from None


def _damaged(path: Path, exc: Exception) -> InputError:
    """The damaged line for what pdfminer raised; a MemoryError, even wrapped by pdfplumber, goes on."""
    cause = _cause(exc)
    if isinstance(cause, MemoryError):
        raise cause from None
    return InputError(path, *DAMAGED)


def _too_many(path: Path, pages: int, limit: int) -> GuardError:
    return GuardError(path, f"the PDF has {pages} pages, more than the limit of {limit}.",
                      "Raise the limit with --max-pages if this is really a release.")
