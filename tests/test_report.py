"""report.html (issue 15): one self-contained, valid, accessible page per release, read back from the
file and from a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import html5lib
import pandas as pd
import pdfplumber
import pytest

from conftest import RAW_2023, generator

MAX_BYTES = 2 * 1024 * 1024
SVG = "{http://www.w3.org/2000/svg}"  # html5lib keeps inline SVG in its namespace
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def pages(two_releases) -> dict[int, tuple[Path, object]]:
    """Each release's report.html and its parsed tree (html5lib, strict: a parse error fails here)."""
    out, _ = two_releases
    parsed = {}
    for year in (2023, 2024):
        path = out / str(year) / "report.html"
        parsed[year] = path, html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
            path.read_bytes(), transport_encoding="utf-8")
    return parsed


def text(el) -> str:
    return " ".join("".join(el.itertext()).split())


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_page_is_one_small_self_contained_file(pages, year):
    path, tree = pages[year]
    assert path.stat().st_size <= MAX_BYTES
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "link", "iframe", "object", "embed", "base", "audio", "video", "source"}
    ids = [el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")]
    assert len(ids) == len(set(ids))
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("src") is not None:
            assert el.get("src").startswith("data:image/png;base64,"), el.get("src")[:40]
        if el.get("href") is not None:
            assert el.get("href").startswith("#") and el.get("href")[1:] in ids, el.get("href")
        assert "url(" not in (el.get("style") or "")
    style = "".join(text(s) for s in tree.iter("style"))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    pdf = RAW_2023 if year == 2023 else path.parent.parent.parent / "ind-jaarcijfers-2024.pdf"
    with pdfplumber.open(pdf) as doc:
        assert len(list(tree.iter("img"))) == len(doc.pages)  # one picture per page


@pytest.mark.parametrize("year", [2023, 2024])
def test_headings_table_headers_alt_texts_and_languages(pages, year):
    _, tree = pages[year]
    assert tree.get("lang") == "en"
    levels = [int(el.tag[1]) for el in tree.iter() if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), "a heading level is skipped"
    for th in tree.iter("th"):
        assert th.get("scope") in ("col", "row"), text(th)
    for table in tree.iter("table"):
        assert table.find("caption") is not None and text(table.find("caption"))
    for img in tree.iter("img"):
        assert img.get("alt", "").startswith("Page "), img.get("alt")
    for a in tree.iter("a"):
        assert text(a) or a.get("aria-label"), a.get("href")
    trends = list(tree.iter(f"{SVG}svg"))
    assert len(trends) == len(list(tree.iter("article")))  # one per table
    for svg in trends:
        assert svg.get("role") == "img" and text(svg.find(f"{SVG}title"))


def test_every_table_with_its_years_units_footnotes_and_panel(pages, two_releases):
    out, _ = two_releases
    _, tree = pages[2023]
    obs = pd.read_parquet(out / "2023" / "observations.parquet")
    notes = pd.read_parquet(out / "2023" / "footnotes.parquet")
    top = pd.read_parquet(out / "2023" / "top_nationalities.parquet")
    articles = {a.get("data-table-id"): a for a in tree.iter("article")}
    assert list(articles) == list(dict.fromkeys(obs["table_id"]))  # every table, in printed order
    for table_id, rows in obs.groupby("table_id", sort=False):
        article = articles[table_id]
        heading = article.find("h3")
        assert rows["table_nl"].iloc[0] in text(heading)
        title_notes = "".join(str(i) for i in notes[(notes.table_id == table_id) & notes.metric_id.isna()].footnote_id)
        assert text(heading) == f"{rows['table_nl'].iloc[0]}{title_notes} — {rows['table_en'].iloc[0]} {table_id}"
        assert [text(th) for th in article.find(".//table/thead/tr")] == ["Row", "2023", "2022", "2021", "Unit"]
        for tr in article.find(".//table/tbody"):
            metric = rows[rows["metric_id"] == tr.get("data-metric-id")]
            assert text(tr.findall("td")[-1]) == metric["unit"].iloc[0]
            mine = notes[(notes.table_id == table_id) & (notes.metric_id == tr.get("data-metric-id"))]
            row_notes = "".join(str(i) for i in mine.footnote_id)
            assert text(tr.find("th")) == f"{metric['label_nl'].iloc[0]}{row_notes} — {metric['label_en'].iloc[0]}"
        panel = top[top["table_id"] == table_id].sort_values("rank")
        entries = [text(li) for li in article.iter("li")]
        assert entries == [f"{nl} — {en} {code}" for nl, en, code in
                           zip(panel["nationality_nl"], panel["nationality_en"], panel["nationality_code"])], table_id
    footnotes = {li.get("id"): li for li in tree.find(".//ol[@class='notes']")}
    for f in notes.itertuples():
        assert text(footnotes[f"fn{f.footnote_id}"].find("span")) == " ".join(f.text.split())
        article = articles[f.table_id]
        where = article.find("h3") if pd.isna(f.metric_id) else next(
            tr.find("th") for tr in article.find(".//table/tbody") if tr.get("data-metric-id") == f.metric_id)
        assert f"#fn{f.footnote_id}" in [a.get("href") for a in where.iter("a")], (f.table_id, f.metric_id)


def test_the_validation_verdict_and_every_check_with_its_numbers(pages, two_releases):
    out, _ = two_releases
    _, tree = pages[2023]
    report = json.loads((out / "2023" / "validation.json").read_text(encoding="utf-8"))
    heading = next(h for h in tree.iter("h2") if h.get("id") == "validation")
    assert text(heading) == "Validation: passed"
    shown = {tr.get("data-check"): tr for tr in tree.iter("tr") if tr.get("class") == "check"}
    assert list(shown) == [c["check"] for c in report["checks"]]
    for check in report["checks"]:
        assert text(shown[check["check"]].findall("td")[0]) == check["verdict"]
    flow = shown["pending_flow"]
    assert text(flow.findall("td")[0]) == "warning"
    items = [text(li) for li in flow.iter("li")]
    assert len(items) == 25
    assert ("table_id = asylum_family_reunification; year = 2023; pending = 27060; expected = 27160; gap = -100; "
            "cells = asylum_family_reunification/pending/2023; ") in items[0]


def test_the_trend_shows_every_earlier_release(pages):
    def bands(year: int) -> list[list[tuple[str, int]]]:
        _, tree = pages[year]
        article = next(a for a in tree.iter("article") if a.get("data-table-id") == "family_reunification")
        lines = [(pl.get("stroke-dasharray"), len(pl.get("points").split())) for pl in article.iter(f"{SVG}polyline")]
        return lines, [text(t) for t in article.iter(f"{SVG}title")]

    lines, titles = bands(2023)
    assert lines == [(None, 3)] * 5  # one release: five rows, three years each
    lines, titles = bands(2024)
    assert lines == [("3 2", 3), (None, 3)] * 5  # the 2023 release dashed, the 2024 release solid
    assert "Aanvragen 2023: 41.820 (release 2023)" in titles and "Aanvragen 2023: 41.900 (release 2024)" in titles
    assert titles[0] == ("Trend of Familie & Gezin, 2021 to 2024, as printed by the releases 2023, 2024")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from Debian, started once for this module."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: these tests need a real browser. Install it with "
                    "`apt-get install -y --no-install-recommends chromium` (.ci/run does so in CI).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def loaded(browser, pages):
    """The 2023 report opened from its file with the network blocked; every request is recorded."""
    path, _ = pages[2023]
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    requests = []
    context.route("**/*", lambda route: (requests.append(route.request.url),
                                         route.continue_() if route.request.url == path.as_uri() else route.abort()))
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    yield page, requests
    context.close()


def test_the_page_loads_offline_and_asks_for_nothing(loaded):
    page, requests = loaded
    assert requests == [page.url]  # the file itself, nothing else
    assert page.evaluate("performance.getEntriesByType('resource').map(e => e.name)") == []
    images = page.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth])")
    assert len(images) == 3 and all(done and width > 1000 for done, width in images)


def test_a_screenshot_is_not_blank(loaded):
    from PIL import Image, ImageStat

    page, _ = loaded
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    assert shot.size == (1280, 900)
    grey = shot.convert("L")
    dark = sum(grey.histogram()[:128]) / (shot.width * shot.height)
    assert 0.01 < dark < 0.5, dark  # text on a light page
    assert ImageStat.Stat(grey).stddev[0] > 20
    assert len(shot.getcolors(1 << 24)) > 50


def test_every_value_read_back_from_the_rendered_page_equals_the_parquet(loaded, two_releases):
    out, _ = two_releases
    page, _ = loaded
    cells = page.evaluate("""[...document.querySelectorAll('td.value')].map(td => {
        const table = td.closest('table');
        return {table_id: td.closest('article').dataset.tableId, metric_id: td.closest('tr').dataset.metricId,
                year: table.tHead.rows[0].cells[td.cellIndex].innerText, raw: td.innerText,
                value: td.querySelector('data').value, visible: td.offsetWidth > 0 && td.offsetHeight > 0};
    })""")
    obs = pd.read_parquet(out / "2023" / "observations.parquet")
    assert len(cells) == len(obs) == 324
    got = {(c["table_id"], c["metric_id"], int(c["year"])): c for c in cells}
    assert len(got) == 324 and all(c["visible"] for c in cells)
    for o in obs.itertuples():
        c = got[(o.table_id, o.metric_id, o.year)]
        assert c["raw"] == o.raw
        assert (c["value"] == "") if pd.isna(o.value) else (float(c["value"]) == o.value), (o.table_id, o.metric_id)


def test_each_value_links_to_its_box_on_the_page_picture(loaded, two_releases):
    from pipeline.pictures import RESOLUTION

    out, _ = two_releases
    page, _ = loaded
    obs = pd.read_parquet(out / "2023" / "observations.parquet")
    o = obs[(obs.table_id == "naturalisation") & (obs.metric_id == "decisions") & (obs.year == 2023)].iloc[0]
    cell = page.locator("article[data-table-id=naturalisation] tr[data-metric-id=decisions] td[data-year='2023'] a")
    assert cell.inner_text() == o.raw
    cell.click()
    box_id = page.evaluate("location.hash")[1:]
    where = page.evaluate("""id => {
        const box = document.getElementById(id), img = box.parentElement.querySelector('img');
        const b = box.getBoundingClientRect(), i = img.getBoundingClientRect();
        return {left: (b.left - i.left) / i.width, top: (b.top - i.top) / i.height, width: b.width / i.width,
                back: box.getAttribute('href'), inView: b.bottom > 0 && b.top < innerHeight, y: b.top,
                natural: [img.naturalWidth, img.naturalHeight]};
    }""", box_id)
    scale = RESOLUTION / 72
    natural_w, natural_h = where["natural"]
    assert where["inView"], where
    assert where["back"] == f"#{cell.evaluate('a => a.parentElement.id')}"
    assert where["left"] == pytest.approx(o.x0 * scale / natural_w, abs=0.002)
    assert where["top"] == pytest.approx(o.top * scale / natural_h, abs=0.002)
    assert where["width"] == pytest.approx((o.x1 - o.x0) * scale / natural_w, abs=0.002)


def test_the_trends_show_only_earlier_releases(two_releases):
    """A release's page does not change when a later release arrives: the 2023 trends leave 2024 out."""
    from pipeline.model import Release
    from pipeline.report.earlier import release_files
    from pipeline.report.page import trend_groups

    out, _ = two_releases
    files = release_files(out)
    assert [Path(f).parent.name for f in files] == ["2023", "2024"]
    frames = {t: pd.read_parquet(out / "2023" / f"{t}.parquet") for t in ("observations", "top_nationalities",
                                                                         "footnotes")}
    release = Release("x.pdf", 2023, (2023, 2022, 2021), "Jaarcijfers - 2023", **frames)
    def shown(release):
        return [r for rows in trend_groups(release, files).values() for r in rows]

    assert sorted({r["release_year"] for r in shown(release)}) == [2023]
    later = Release("y.pdf", 2025, (2025, 2024, 2023), "", **frames)
    assert sorted({r["release_year"] for r in shown(later)}) == [2023, 2024]
    assert len(shown(later)) == 3 * len(frames["observations"])


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_batch_shows_an_earlier_release_it_writes_anew_as_the_run_found_it(tmp_path, spec_2023, jobs):
    """Regression: a batch that wrote the 2023 release anew with other numbers drew the 2024 page's trend with
    2023 as written before the run or as just rewritten, by which PDF finished first (with --jobs 1, always
    the new). Every report of a run now shows the earlier releases as the run found them
    (``page.earlier_as_found``; the workers of --jobs 2 inherit them), as ``report.earlier`` says."""
    from bench_releases import release_for
    from markupsafe import escape

    from pipeline.batch import run_batch
    from pipeline.runner import Options

    out = tmp_path / "out"
    assert run_batch([str(RAW_2023)], Options(out=out), jobs=1)[0].exit_code == 0
    before = pd.read_parquet(out / "2023" / "observations.parquet")
    pdfs = [str(generator().render(release_for(spec_2023, year), "stacked", tmp_path / f"{year}.pdf"))
            for year in (2023, 2024)]
    outcomes = run_batch(pdfs, Options(out=out), jobs=jobs)
    assert [o.exit_code for o in outcomes] == [0, 0], [o.lines for o in outcomes]
    after = pd.read_parquet(out / "2023" / "observations.parquet")
    changed = before.merge(after, on=["table_id", "metric_id", "year"], suffixes=("_before", "_after"))
    changed = changed[(changed["raw_before"] != changed["raw_after"]) & (changed["year"] == 2023)]
    assert len(changed) > 50
    page = (out / "2024" / "report.html").read_text(encoding="utf-8")
    for r in changed.head(20).itertuples():
        def title(raw):
            return str(escape(f"{r.label_nl_before} 2023: {raw} (release 2023)"))

        assert title(r.raw_before) in page and title(r.raw_after) not in page, r.metric_id


def test_pictures_beyond_the_size_budget_are_made_smaller_then_left_out():
    import random

    from PIL import Image

    from pipeline.report.images import fit_budget

    rng = random.Random(15)
    # black and white at random, pixel by pixel: as incompressible as a page's picture gets (pictures hold the
    # colours of a page drawn in gray, images.palette: noise in colour or gray, averaged to a few grays when made
    # smaller, would then fit)
    noise = [Image.frombytes("L", (300, 300), bytes(rng.choice((0, 255)) for _ in range(300 * 300))).convert("RGB")
             for _ in range(4)]
    full = fit_budget(noise, budget=10**9)
    assert all(full) and Image.open(io.BytesIO(base64.b64decode(full[0].split(",", 1)[1]))).size == (300, 300)
    budget = sum(map(len, full)) // 4  # even at half the size not all four fit
    uris = fit_budget(noise, budget=budget)
    kept = [u for u in uris if u]
    assert sum(map(len, uris)) <= budget
    assert 0 < len(kept) < len(noise) and uris[: len(kept)] == kept  # the first pages kept, the last left out
    assert Image.open(io.BytesIO(base64.b64decode(kept[0].split(",", 1)[1]))).size == (150, 150)  # half first


def test_report_pictures_are_drawn_in_a_fixed_palette_with_each_fill_over_each_gray():
    """report.html's pictures: a page drawn in gray comes back in ``pictures.PALETTE``, a box's outline in its
    kind's colour and its fill each gray under that colour, as the RGB picture of inspect blends them."""
    from PIL import Image, ImageDraw

    from pipeline import pictures
    from pipeline.model import AuditEntry, Box, Kind

    gray = Image.new("L", (100, 60), 255)
    ImageDraw.Draw(gray).rectangle((20, 20, 79, 39), fill=0)  # a black band across the box's middle
    area, box = Box(1, 0, 0, 100, 60), Box(1, 10, 10, 90, 50)
    entries = [AuditEntry("41.820", Kind.VALUE, box)]
    drawn = pictures.with_legend(pictures.annotated(gray, area, entries), 1, 1)
    assert drawn.mode == "P" and drawn.getpalette() == [v for rgb in pictures.PALETTE for v in rgb]
    inspect = pictures.with_legend(pictures.annotated(gray.convert("RGB"), area, entries), 1, 1)
    assert inspect.mode == "RGB" and inspect.size == drawn.size
    colours = drawn.convert("RGB")
    for xy in ((10, 10), (90, 30), (50, 50)):  # the outline
        assert colours.getpixel(xy) == inspect.getpixel(xy) == pictures.COLOURS[Kind.VALUE]
    for xy in ((15, 15), (50, 30), (5, 5)):  # the fill over white, over black; outside the box
        assert max(abs(a - b) for a, b in zip(colours.getpixel(xy), inspect.getpixel(xy))) <= 1, xy
    assert colours.getpixel((50, 30)) != (0, 0, 0) and colours.getpixel((15, 15)) != (255, 255, 255)


def test_the_compiled_template_is_cached_and_then_not_compiled_again(tmp_path, monkeypatch):
    from jinja2 import Environment

    from pipeline.report.page import compiled_cache, load_template

    compiled = load_template(None)
    load_template(compiled_cache(str(tmp_path)))
    assert len(list(tmp_path.iterdir())) == 1
    monkeypatch.setattr(Environment, "compile", lambda *a, **k: pytest.fail("compiled although cached"))
    cached = load_template(compiled_cache(str(tmp_path)))
    assert cached.root_render_func.__code__.co_code == compiled.root_render_func.__code__.co_code


def test_a_cache_that_cannot_be_written_only_costs_the_compiling(tmp_path):
    from pipeline.report.page import compiled_cache, load_template

    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    cached = load_template(compiled_cache(str(not_a_folder)))
    assert cached.root_render_func.__code__.co_code == load_template(None).root_render_func.__code__.co_code
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_a_damaged_cache_entry_is_compiled_again_and_replaced(tmp_path):
    from jinja2.bccache import bc_magic

    from pipeline.report.page import compiled_cache, load_template

    load_template(compiled_cache(str(tmp_path)))
    (entry,) = tmp_path.iterdir()
    good = entry.read_bytes()
    for damage in (bc_magic + b"\x80\x05garbage", bc_magic, good[: len(good) // 2]):
        entry.write_bytes(damage)
        load_template(compiled_cache(str(tmp_path)))
        assert entry.read_bytes() == good


# The template's loop over a trend's bands before it moved into Python (trend.Trend.bands_svg).
BANDS_TEMPLATE = """\
{% for b in tr.bands %}
<text x="0" y="{{ b.baseline }}"><title>{{ b.full_label }}</title>{{ b.label }}</text>
{% for l in b.lines %}
<polyline points="{{ l.path }}" fill="none" stroke="{{ '#0b5394' if l.newest else '#8c9bab' }}" \
stroke-width="{{ 1.6 if l.newest else 1.2 }}"{% if not l.newest %} stroke-dasharray="3 2"{% endif %}/>
{% for pt in l.points %}<circle cx="{{ '%.1f' | format(pt.x) }}" cy="{{ '%.1f' | format(pt.y) }}" r="2" \
fill="{{ '#0b5394' if l.newest else '#8c9bab' }}"><title>{{ pt.title }}</title></circle>{% endfor %}
{% endfor %}
<text x="{{ tr.width - 2 }}" y="{{ b.baseline }}" text-anchor="end">{{ b.last }}</text>
{% endfor %}
"""


def test_a_trend_is_drawn_as_the_template_drew_it():
    """trend.Trend.bands_svg replaced a loop of the template over bands, lines and points: the same markup,
    labels and titles escaped as autoescape does."""
    from jinja2 import Environment

    from pipeline.report.trend import titled, trend_view

    label = "Gezin & <kinderen> \"nareis\" 'x' en een label langer dan dertig tekens"
    rows = [{"table_id": "t", "metric_id": m, "label_nl": label if m == "a" else "Asiel", "year": y,
             "value": None if (m, y, r) == ("b", 2021, 2023) else float(y * 10 + r - 2000 * 11),
             "raw": "1.234" if m == "a" else "89%", "release_year": r}
            for r in (2022, 2023) for m in ("a", "b") for y in range(r - 2, r + 1)]
    trend = trend_view(titled(rows))
    drawn = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(BANDS_TEMPLATE)
    assert str(trend.bands_svg) == drawn.render(tr=trend)
    assert "&amp; &lt;kinderen&gt; &#34;nareis&#34; &#39;x&#39;" in trend.bands_svg
    assert trend.bands_svg.count("<polyline") == 4 and trend.bands_svg.count("<circle") == 11
