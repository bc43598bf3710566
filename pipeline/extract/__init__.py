"""Extract stage: a release PDF -> ``RawRelease`` (tables, panels, footnotes with positions, the audit)."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.extract.reader import read_release
from pipeline.model import RawRelease
from pipeline.schemas import Schemas
from pipeline.extract.source import open_pdf
from pipeline.extract.words import page_tokens


def read_pdf(path: Path, schemas: Schemas, *, password: str | None = None, max_pages: int = 200) -> RawRelease:
    """Read every word once per page, then read the release from them (whatever the PDF is)."""
    pdf = open_pdf(path, password=password, max_pages=max_pages)
    try:
        pages = [page_tokens(page) for page in pdf.pages]
    finally:
        pdf.close()
    return read_release(str(path), pages, schemas.layout)


def extract_pdf(path: Path, schemas: Schemas, *, password: str | None = None, max_pages: int = 200) -> RawRelease:
    """``read_pdf``, refusing a PDF that is not a Jaarcijfers release at all (exit 2)."""
    raw = read_pdf(path, schemas, password=password, max_pages=max_pages)
    if not raw.tables or not raw.title and not any(schemas.table_for_title(t.title) for t in raw.tables):
        raise InputError(path, 'this PDF is not an IND "Jaarcijfers" release (no release title and no '
                         "known table with three year columns).", "Pass the IND Jaarcijfers PDF.")
    return raw
