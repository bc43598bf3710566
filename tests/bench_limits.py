"""`make bench`, second part: what the default limits are measured against (issues 14 and 18).

* The time a large release needs: a 20-page release (the 2023 tables four times over, rendered by the
  fixture generator), which fails validation, so that its run also draws a picture of every page: the
  longest path a release takes. The default --timeout is that time with a wide margin.
* Hostile PDFs, each in a fresh process with the default limits (--max-memory 2048 MiB): wall time, peak
  memory, exit code and the line said. Each must end with exit 2 and its line within seconds, with peak
  memory far under the limit.

The PDFs are written into .bench/limits/ (git-ignored) once; the bombs take a few seconds to deflate.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench import WRAP  # noqa: E402
from conftest import RAW_2023, generator, hostile, load_spec  # noqa: E402

from pipeline.guards import DEFAULT_MAX_MEMORY_MIB  # noqa: E402
from pipeline.runner import Options  # noqa: E402

FOLDER = ROOT / ".bench" / "limits"
FAILED = "the release is incomplete"  # the real failure line first, whatever the pictures did
MEMORY = f"the PDF needs more memory than the limit ({DEFAULT_MAX_MEMORY_MIB} MiB) to be read"
DAMAGED = "the PDF is damaged or incomplete"
UNKNOWN_TITLE = "unknown table title"  # the copies' numbered titles (the report's data: pictures of every page)


def large_release(copies: int = 4) -> dict:
    """The 2023 release with its sections ``copies`` times (titles and ids numbered): 20 pages when ruled."""
    spec = load_spec()
    big = copy.deepcopy(spec)
    for k in range(2, copies + 1):
        for section in copy.deepcopy(spec["sections"]):
            section["heading"] = f"{section['heading']} {k}"
            for table in section["tables"]:
                table["title"], table["id"] = f"{table['title']} (deel {k})", f"{table['id']}_{k}"
            big["sections"].append(section)
    return big


def padded(path: Path, pages: int = 190) -> None:
    """The 2023 release with ``pages`` blank pages of 14,400 pt after it: it passes, and report.html has a
    picture of every page, each 12 MB as drawn (before each was kept only as its PNG: 3.3 GB)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(RAW_2023))
    for _ in range(pages):
        doc.new_page(14400, 14400)
    doc.save(path)
    doc.close()


def cases() -> dict[str, tuple[Path, int, str]]:
    """name -> (PDF, the exit code it must end with, what its first line must say), written once."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    h = hostile()
    made = {
        "large release, 20 pages, failing (pictures of every page)": ("large-20-pages.pdf", 1, UNKNOWN_TITLE, None),
        "page of 14,400 pt square, failing (its picture)": ("huge-page.pdf", 1, FAILED,
                                                            lambda p: h.failing_release(p, (14400, 14400))),
        "page of 200,000 pt square, failing (its picture)": ("larger-page.pdf", 1, FAILED,
                                                             lambda p: h.failing_release(p, (200_000, 200_000))),
        "2023 release + 190 blank pages of 14,400 pt (report.html)": ("padded.pdf", 0, "ok, release 2023",
                                                                           padded),
        "content stream of 2.2 GB": ("content-stream.pdf", 2, MEMORY,
                                     lambda p: p.write_bytes(h.content_stream_bomb(2200))),
        "content stream of 2.2 GB, Flate inside Flate": ("flate-in-flate.pdf", 2, MEMORY,
                                                         lambda p: p.write_bytes(h.flate_in_flate_bomb(2200))),
        "object stream of 2.2 GB holding the catalog": ("object-stream.pdf", 2, MEMORY,
                                                        lambda p: p.write_bytes(h.object_stream_bomb(2200))),
        "xref stream of 2.2 GB": ("xref-stream.pdf", 2, MEMORY, lambda p: p.write_bytes(h.xref_stream_bomb(2200))),
        "forms fanned out to 10^9 texts": ("fanned-out.pdf", 2, MEMORY,
                                           lambda p: p.write_bytes(h.fanned_out_forms(9, 10))),
        "2-object reference cycle in the resources": ("cycle.pdf", 2, DAMAGED, lambda p: p.write_bytes(
            h.one_page({6: b"7 0 R", 7: b"6 0 R"}, resources=b"6 0 R"))),
    }
    out = {}
    for name, (file, code, expect, make) in made.items():
        path = FOLDER / file
        if not path.exists():
            if make is None:
                generator().render(large_release(), "ruled", path)
            else:
                make(path)
        out[name] = (path, code, expect)
    return out


def main() -> None:
    rows = []
    cases_made = cases()
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as out:
        for name, (path, code, expect) in cases_made.items():
            cmd = [sys.executable, "-m", "pipeline", "extract", str(path), "--out", out]
            run = subprocess.run([sys.executable, "-c", WRAP, *cmd], capture_output=True, text=True, check=True)
            sample = json.loads(run.stdout)
            if sample["rc"] != code:
                raise SystemExit(f"bench: {name}: exit {sample['rc']}, expected {code}")
            said = subprocess.run(cmd, capture_output=True, text=True).stderr.splitlines()[0]
            if expect not in said:
                raise SystemExit(f"bench: {name}: said {said!r}, expected {expect!r}")
            rows.append((name, sample, said.replace(str(path), path.name)))
    print(f"\nmake bench, limits: one run each, defaults --timeout {Options.timeout:g} s, --max-memory "
          f"{DEFAULT_MAX_MEMORY_MIB} MiB\n")
    print(f"| {'PDF':<58} | {'size KB':>7} | {'exit':>4} | {'wall s':>6} | {'peak MB':>7} |")
    print(f"|{'-' * 60}|{'-' * 9}|{'-' * 6}|{'-' * 8}|{'-' * 9}|")
    for name, sample, _ in rows:
        size = cases_made[name][0].stat().st_size / 1000
        print(f"| {name:<58} | {size:7.0f} | {sample['rc']:>4} | {sample['wall']:6.2f} | {sample['rss_mb']:7.1f} |")
        if sample["rss_mb"] >= DEFAULT_MAX_MEMORY_MIB:
            raise SystemExit(f"bench: {name}: peak memory {sample['rss_mb']:.0f} MB, over the limit")
    print()
    for name, _, said in rows:
        print(f"* {name}: `{said[:150]}{'...' if len(said) > 150 else ''}`")
    margin = Options.timeout / rows[0][1]["wall"]
    print(f"\ndefault --timeout / the 20-page release: {margin:.1f}x")


if __name__ == "__main__":
    main()
