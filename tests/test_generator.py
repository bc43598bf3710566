"""The fixture generator: every layout prints every string of a release, markers small and raised,
deterministically, inside the page; the real 2023 spec too once it exists."""

from __future__ import annotations

import subprocess
import sys

import pdfplumber
import pytest

from conftest import FIXTURES, SPEC_2023, generator, load_spec

gen = generator()

# A small release with every feature the layouts treat specially: two sections (the second on a new page),
# four tables, markers on a title and on a row, two panels, footnotes (one long), a "-" value, percent
# rows, a long title (> 45 characters) and a long label (> 40 characters).
SMALL = {
    "title": "Jaarcijfers - 2031",
    "years": [2031, 2030, 2029],
    "panel_heading": "Top 3 nationaliteiten aanvragen 2031",
    "sections": [
        {
            "heading": "Regulier verblijf",
            "tables": [
                {
                    "id": "family_reunification",
                    "title": "Familie & Gezin",
                    "markers": ["1"],
                    "panel": {"title": "Familie & Gezin", "entries": ["Indiase", "Turkse", "Russische"],
                              "codes": ["IND", "TUR", "RUS"]},
                    "rows": [
                        {"id": "applications", "label": "Aanvragen", "unit": "count",
                         "values": ["41.820", "45.300", "37.790"]},
                        {"id": "decisions", "label": "Beslissingen", "unit": "count",
                         "values": ["43.050", "44.930", "35.790"]},
                        {"id": "pending", "label": "In behandeling", "markers": ["2"], "unit": "count",
                         "values": ["6.110", "7.260", "6.800"]},
                        {"id": "grant_rate", "label": "Inwilligingen", "unit": "percent",
                         "values": ["89%", "88%", "86%"]},
                    ],
                },
                {
                    "id": "extensions",
                    "title": "Verlengingen van de geldigheidsduur (verblijfsvergunning asiel en regulier)",
                    "rows": [
                        {"id": "applications", "label": "Aanvragen", "unit": "count",
                         "values": ["93.320", "78.650", "75.430"]},
                        {"id": "timeliness", "label": "Tijdigheid beslissingen", "unit": "percent",
                         "values": ["96%", "94%", "100%"]},
                    ],
                },
            ],
        },
        {
            "heading": "Dienstverlening",
            "page_break_before": True,
            "tables": [
                {
                    "id": "documents",
                    "title": "Documenten",
                    "panel": {"title": "Documenten", "entries": ["Syrische", "Amerikaans burger", "Eritese"],
                              "codes": ["SYR", "USA", "ERI"]},
                    "rows": [
                        {"id": "frontier_worker", "unit": "count",
                         "label": "Document 'grensarbeider' op grond van het terugtrekkingsakkoord",
                         "values": ["110", "250", "750"]},
                        {"id": "o_documents", "label": "O-documenten", "unit": "count",
                         "values": ["5.610", "1.320", "-"]},
                    ],
                },
                {
                    "id": "telephony",
                    "title": "Telefonie",
                    "rows": [
                        {"id": "calls", "label": "Totaal aantal afgehandelde calls", "unit": "count",
                         "values": ["417.510", "497.820", "461.470"]},
                    ],
                },
            ],
        },
    ],
    "footnotes": [
        {"id": "1", "text": "Deelproduct Nareis & 8 EVRM bij AMV is bij 'Nareizigers' opgenomen"},
        {"id": "2", "text": "Het betreft hier het aantal personen dat in het kader van nareis naar Nederland is "
                            "gekomen en een afgeleide asielvergunning heeft gekregen. Dit is exclusief personen "
                            "met een nareis 8 EVRM aanvraag. Hiervoor wordt na inwilliging een reguliere "
                            "verblijfsvergunning verstrekt."},
    ],
}


def _tables(spec):
    for section in spec["sections"]:
        yield from section["tables"]


def _read(path):
    """Per page: chars, and the words split at blanks, at gaps and where the font size changes."""
    with pdfplumber.open(path) as pdf:
        pages = []
        for page in pdf.pages:
            words = page.extract_words(x_tolerance_ratio=0.15, extra_attrs=["size"])
            pages.append((page, list(page.chars), [w["text"] for w in words]))
        return pages


def _check_release(spec, layout, path):
    pages = _read(path)
    chars = [c for _, cs, _ in pages for c in cs]
    words = {w for _, _, ws in pages for w in ws}
    # every raw value, as printed (the nbsp percentages of stacked as number + "%")
    for table in _tables(spec):
        for row in table["rows"]:
            for v in row["values"]:
                if layout == "stacked" and v.endswith("%"):
                    assert v[:-1] in words and "%" in words, (layout, v)
                else:
                    assert v in words, (layout, v)
    # every word of every title, label, heading, panel and footnote; the years
    texts = [spec["title"], spec["panel_heading"]] + [str(y) for y in spec["years"]]
    texts += [s["heading"] for s in spec["sections"]] + [f["text"] for f in spec["footnotes"]]
    for table in _tables(spec):
        texts += [table["title"]] + [r["label"] for r in table["rows"]]
        if table.get("panel"):
            texts.append(table["panel"]["title"])
            texts += [f"{i}." for i in (1, 2, 3)] + table["panel"]["entries"]
    missing = {w for t in texts for w in str(t).split() if w not in words}
    assert not missing, (layout, sorted(missing))
    # the release title on every page, nothing outside the page
    for page, cs, ws in pages:
        assert spec["title"].split()[0] in ws, (layout, page.page_number)
        for c in cs:
            assert 0 <= c["x0"] and c["x1"] <= page.width + 0.01, (layout, c["text"], c["x0"])
            assert 0 <= c["top"] and c["bottom"] <= page.height, (layout, c["text"], c["top"])
    # markers: right after their host, smaller and raised
    stream = "".join(c["text"] for c in chars)
    hosts = [(t["title"], t.get("markers")) for t in _tables(spec)]
    hosts += [(r["label"], r.get("markers")) for t in _tables(spec) for r in t["rows"]]
    for text, markers in hosts:
        if not markers:
            continue
        needle = text.split()[-1] + ",".join(markers)
        found = []
        at = stream.find(needle)
        while at >= 0:
            host, marker = chars[at + len(needle) - len(",".join(markers)) - 1], chars[at + len(needle) - 1]
            found.append(marker["size"] <= 0.7 * host["size"]
                         and marker["bottom"] < host["bottom"] - 0.2 * host["size"])
            at = stream.find(needle, at + 1)
        assert any(found), (layout, needle)  # small, raised, right after the host
    return pages, chars


@pytest.mark.parametrize("layout", gen.LAYOUTS)
def test_small_spec_every_layout(tmp_path, layout):
    path = gen.render(SMALL, layout, tmp_path / f"{layout}.pdf")
    pages, chars = _check_release(SMALL, layout, path)
    if layout == "nospace":
        assert not [c for c in chars if c["text"].isspace()]
    if layout == "stacked":
        assert "89\u00a0%" in "".join(c["text"] for c in chars)
        assert any(not c["upright"] for c in chars)  # the stray rotated "Jaar"
    # page_break_before: the second section starts a page of its own
    first = min(p.page_number for p, _, ws in pages if "Dienstverlening" in ws)
    assert first >= 2
    assert "Dienstverlening" not in pages[first - 2][2]
    # same input, same bytes; another seed, other bytes
    again = gen.render(SMALL, layout, tmp_path / f"{layout}-again.pdf")
    assert path.read_bytes() == again.read_bytes()
    other = gen.render(SMALL, layout, tmp_path / f"{layout}-seed.pdf", seed=3)
    assert other.read_bytes() != path.read_bytes()


@pytest.mark.parametrize("layout", gen.LAYOUTS)
def test_max_pages_drops_the_last_pages(tmp_path, layout):
    full = gen.render(SMALL, layout, tmp_path / "full.pdf")
    cut = gen.render(SMALL, layout, tmp_path / "cut.pdf", max_pages=1)
    with pdfplumber.open(full) as a, pdfplumber.open(cut) as b:
        assert len(a.pages) >= 2 and len(b.pages) == 1
        assert a.pages[0].extract_text() == b.pages[0].extract_text()


def test_portrait_wraps_long_titles_around_the_years(tmp_path):
    path = gen.render(SMALL, "portrait", tmp_path / "p.pdf")
    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["size"])
    top = {w["text"]: w["top"] for w in words}
    lo, hi = top["Verlengingen"], top["regulier)"]
    assert hi > lo + 5
    assert [w for w in words if w["text"] == "2030" and lo + 2 < w["top"] < hi - 2]


def test_nospace_wraps_long_labels_values_on_the_first_line(tmp_path):
    path = gen.render(SMALL, "nospace", tmp_path / "n.pdf")
    with pdfplumber.open(path) as pdf:
        page = next(p for p in pdf.pages if "grensarbeider" in (p.extract_text() or ""))
        words = page.extract_words(x_tolerance_ratio=0.15)
    top = {w["text"]: w["top"] for w in words}
    assert top["Document"] == pytest.approx(top["110"], abs=0.5)
    assert top["terugtrekkingsakkoord"] > top["Document"] + 5


def test_portrait_tables_flow_across_pages_footnote_follows(tmp_path):
    """A table too long for a page continues on the next without repeating its header; the footnote of
    its title marker goes to the bottom of the page where the table ends."""
    rows = [{"id": f"r{i}", "label": f"Rij {i}", "unit": "count", "values": [str(i), str(i + 1), str(i + 2)]}
            for i in range(100, 190)]
    spec = {**SMALL, "sections": [{"heading": "Lang", "tables": [
        {"id": "long", "title": "Lange tabel", "markers": ["1"], "rows": rows}]}],
        "footnotes": SMALL["footnotes"][:1]}
    path = gen.render(spec, "portrait", tmp_path / "long.pdf")
    pages = _read(path)
    assert len(pages) >= 2
    assert "2030" in pages[0][2] and "2030" not in pages[1][2]  # the header is printed once
    assert "Rij" in pages[1][2]
    assert "Deelproduct" not in pages[0][2] and "Deelproduct" in pages[-1][2]


def test_layout_traits(tmp_path):
    def first_words(layout):
        with pdfplumber.open(gen.render(SMALL, layout, tmp_path / f"{layout}.pdf")) as pdf:
            page = pdf.pages[0]
            words = page.extract_words(x_tolerance_ratio=0.15, extra_attrs=["size"])
            return page, {w["text"]: w for w in words}

    page, words = first_words("sidebyside")  # two tables on the same lines
    assert words["Familie"]["top"] == pytest.approx(words["Verlengingen"]["top"], abs=0.5)
    assert words["Familie"]["x0"] < words["Verlengingen"]["x0"]
    page, words = first_words("ruled")  # a grid, the panel below its table
    assert len(page.lines) > 30
    assert words["Indiase"]["top"] > words["Inwilligingen"]["top"]
    page, words = first_words("stacked")  # colour bands, the panel on the table's lines
    assert page.rects and page.lines
    assert words["Turkse"]["top"] == pytest.approx(words["Beslissingen"]["top"], abs=0.5)
    page, words = first_words("portrait")  # the panel above its table
    assert words["Russische"]["top"] < words["Beslissingen"]["top"]


def test_cli_all(tmp_path):
    spec = tmp_path / "small.yaml"
    spec.write_text(__import__("yaml").safe_dump(SMALL, allow_unicode=True), encoding="utf-8")
    out = subprocess.run([sys.executable, str(FIXTURES / "generate.py"), str(spec), "--all", str(tmp_path)],
                         capture_output=True, text=True, check=True)
    assert len(out.stdout.split()) == len(gen.LAYOUTS)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(f"small-{x}.pdf" for x in gen.LAYOUTS)


def test_bad_spec_is_refused(tmp_path):
    bad = {**SMALL, "years": [2031, 2030]}
    with pytest.raises(ValueError, match="three years"):
        gen.render(bad, "stacked", tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="unknown layout"):
        gen.render(SMALL, "landscape", tmp_path / "x.pdf")


@pytest.mark.skipif(not SPEC_2023.exists(), reason="tests/fixtures/releases/2023.yaml not written yet")
@pytest.mark.parametrize("layout", gen.LAYOUTS)
def test_2023_spec_every_layout(tmp_path, layout):
    spec = load_spec()
    path = gen.render(spec, layout, tmp_path / f"{layout}.pdf")
    pages, chars = _check_release(spec, layout, path)
    if layout == "nospace":
        assert not [c for c in chars if c["text"].isspace()]
