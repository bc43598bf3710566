"""The thin runner of ``jaarcijfers claims``: text -> sentences -> figures -> readings -> verdicts -> files.

``check_text`` is pure apart from reading its text; ``run_claims`` reads the releases once, checks every text,
and writes ``DIR/claims/<TEXT name>.csv`` and ``.md`` atomically (``pipeline.write.atomic_files``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.claims.figures import scan_sentence, text_year
from pipeline.claims.lexicon import Lexicon, load_lexicon
from pipeline.claims.match import Context, read_figure
from pipeline.claims.model import Claim, Scan
from pipeline.claims.report import claims_frame, claims_markdown, summary
from pipeline.claims.tables import ReleaseData, choose_release, find_release_files, read_release
from pipeline.claims.text import Sentence, read_sentences
from pipeline.claims.tokens import tokenize
from pipeline.errors import InputError, PipelineError


@dataclass
class TextOutcome:
    path: str
    exit_code: int
    lines: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def check_sentences(sentences: list[Sentence], lex: Lexicon, data: ReleaseData, year: int | None) -> list[Claim]:
    """Every figure of the sentences, judged against one release."""
    from pipeline.claims.verdict import judge

    year = year or data.release_year
    scans = [scan_sentence(s, lex, year) for s in sentences]
    claims: list[Claim] = []
    heading: Scan | None = None
    for i, scan in enumerate(scans):
        if scan.sentence.is_heading:
            heading = scan
        before = tuple(s for s in reversed(scans[:i]) if s.sentence.paragraph == scan.sentence.paragraph)
        ctx = Context(before, heading if heading is not scan else None, year)
        for f in scan.figures:
            reading = read_figure(f, scan, ctx, lex, data)
            claims.append(judge(f"c{len(claims) + 1:02d}", f, scan, reading, lex, data))
    return claims


def sentences_year(sentences: list[Sentence], lex: Lexicon) -> int | None:
    return text_year([tokenize(s.text) for s in sentences], lex)


def run_claims(paths: list[str], out: Path, schemas_dir: Path | None = None, debug: bool = False) -> list[TextOutcome]:
    """Check each text against the releases under ``out``. A problem with one text does not stop the others
    (with ``debug`` it is raised)."""
    _refuse_same_names(paths)
    lex = load_lexicon(schemas_dir)
    files = find_release_files(out)
    loaded: dict[int, ReleaseData] = {}
    outcomes = []
    for p in paths:
        try:
            sentences = read_sentences(Path(p))
            year = sentences_year(sentences, lex)
            release = choose_release(files, year, out)
            if release not in loaded:
                loaded[release] = read_release(files[release], release)
            outcomes.append(_write(Path(p), check_sentences(sentences, lex, loaded[release], year),
                                   loaded[release], out))
        except PipelineError as exc:
            if debug:
                raise
            outcomes.append(TextOutcome(p, exc.exit_code, [exc.message]))
        except Exception as exc:  # a bug: one line, the traceback only with --debug
            if debug:
                raise
            outcomes.append(TextOutcome(p, 2, [f"{p}: internal error ({type(exc).__name__}: {exc}). Rerun with "
                                               "--debug and report it with the text."]))
    return outcomes


def _refuse_same_names(paths: list[str]) -> None:
    seen: dict[str, str] = {}
    for p in paths:
        stem = Path(p).stem
        if stem in seen:
            raise InputError(p, f"has the same name as {seen[stem]}: both would be written to claims/{stem}.csv.",
                             "Rename one of them, or check them in two runs.")
        seen[stem] = p


def _write(path: Path, claims: list[Claim], data: ReleaseData, out: Path) -> TextOutcome:
    from pipeline.write import atomic_files, frame_to_csv

    directory = out / "claims"
    md = claims_markdown(path.name, claims, data.release_year, str(data.path))
    with atomic_files(directory) as stage:
        frame_to_csv(claims_frame(claims), stage(f"{path.stem}.csv"))
        stage(f"{path.stem}.md").write_text(md, encoding="utf-8")
    where = directory / f"{path.stem}.md"
    lines = [f"{path}: {summary(claims)} (release {data.release_year}) -> {directory / path.stem}.csv, .md"]
    contradicted = [c for c in claims if c.verdict == "contradicted"]
    lines += [f"{path}: {c.claim_id} contradicted: '{c.quote}': the tables give {c.data_value} "
              f"({c.cells}); see {where}." for c in contradicted]
    if not claims:
        lines.append(f"{path}: warning: no figure found in the text; is it the press release?")
    return TextOutcome(str(path), exit_code(claims), lines, claims)


def exit_code(claims: list[Claim]) -> int:
    """The contract's: 1 when a figure is contradicted, else 0."""
    return 1 if any(c.verdict == "contradicted" for c in claims) else 0
