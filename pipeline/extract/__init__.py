"""Extract stage: a release PDF -> ``RawRelease`` (tables, rankings, footnotes with positions, the audit).

``source`` opens the PDF safely, ``words`` turns each page's characters into words, and ``reader`` reads
the release from them in a fixed order of passes (``docs/architecture.md``).

Those modules (and pdfplumber) are imported when a PDF is read, not with this package: the runner's other
stages use ``check_recognized`` without paying for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError
from pipeline.model import RawRelease

if TYPE_CHECKING:
    from pipeline.schemas import Schemas


def read_pdf(path: Path, schemas: Schemas, *, password: str | None = None, max_pages: int = 200) -> RawRelease:
    """Read every word once per page, then read the release from them (whatever the PDF is)."""
    from pipeline.extract.area import visible_area
    from pipeline.extract.reader import read_release
    from pipeline.extract.source import open_pdf
    from pipeline.extract.words import page_tokens

    pdf = open_pdf(path, password=password, max_pages=max_pages)
    try:
        pages = [page_tokens(page) for page in pdf.pages]
        areas = [visible_area(page) for page in pdf.pages]
    finally:
        pdf.close()
    return read_release(str(path), pages, areas, schemas.layout)


def extract_pdf(path: Path, schemas: Schemas, *, password: str | None = None, max_pages: int = 200) -> RawRelease:
    """``read_pdf``, refusing a PDF without a single table of three year columns (exit 2)."""
    raw = read_pdf(path, schemas, password=password, max_pages=max_pages)
    if not raw.tables:
        raise not_a_release(path, raw.refused_headers)
    return raw


def check_recognized(path: Path, raw: RawRelease, known_tables: bool) -> None:
    """Refuse a PDF that names itself nowhere as a Jaarcijfers release: no release title, and none of its
    table titles is in ``schemas/`` (``known_tables``, from the titles normalize has mapped)."""
    if not raw.title and not known_tables:
        raise not_a_release(path)


def not_a_release(path: Path, refused: tuple[tuple[tuple[int, ...], int], ...] = ()) -> InputError:
    """Not a release; or its year headers, when there are some, are not in the order the reader knows."""
    if refused:
        (years, page), more = refused[0], len(refused) - 1
        seen = " ".join(map(str, years)) + f" (page {page}" + (f", and {more} more like it)" if more else ")")
        order = ("in ascending order" if list(years) == sorted(years) and max(years) - min(years) == 2
                 else "not three consecutive years, newest first")
        want = " ".join(str(max(years) - i) for i in range(3))
        return InputError(path, f"no table with three year columns newest first: the year headers {seen} are "
                          f"{order}; the reader expects the newest year first ({want}).",
                          "Pass the IND Jaarcijfers PDF as published, or report the new layout.")
    return InputError(path, 'this PDF is not an IND "Jaarcijfers" release (no release title and no known table '
                      "with three year columns).", "Pass the IND Jaarcijfers PDF.")
