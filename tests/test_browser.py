"""The rendered site in a real browser: headless Chromium (the system's), driven by Playwright:
every page loads cleanly and passes axe-core's WCAG 2 A/AA rules, tables align text left and
numbers right, and the index speaks to readers.

Without Chromium the tests skip with the reason; in CI (CI=true) its absence is a failure.
"""

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis.pipeline.render import render
from analysis.report.tables import is_numeric, table

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1280, "height": 800}


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    reason = "no Chromium on this machine (Debian: apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Visit:
    """A page opened in a fresh context, recording console errors, page errors and dialogs."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context(viewport=VIEWPORT, java_script_enabled=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri(), wait_until="load")

    def images_decoded(self) -> bool:
        return self.page.evaluate(
            "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
        )

    def close(self) -> None:
        self.context.close()


def _pages(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*.html"))


#: The axe-core rules a page must pass: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_every_page_passes_axe_core_wcag_2_aa(site, browser):
    """axe-core (bundled with axe-playwright-python, nothing fetched) finds no WCAG 2 A/AA
    violation on any rendered page."""
    from axe_playwright_python.sync_playwright import Axe

    out, _ = site
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    reports = {}
    for path in _pages(out):
        visit = Visit(browser, path)
        try:
            results = axe.run(visit.page, options=options)
            if results.violations_count:
                reports[path.name] = results.generate_report()
        finally:
            visit.close()
    assert {"index.html", "asian-nato.html", "01_actors.html"} <= {p.name for p in _pages(out)}
    assert not reports, "\n\n".join(f"{name}: {text}" for name, text in reports.items())


def test_no_element_id_is_used_twice(site, browser):
    """Tables carry ids derived from their content: two tables on a page never share one."""
    out, _ = site
    for path in _pages(out):
        visit = Visit(browser, path)
        try:
            twice = visit.page.evaluate(
                "(() => { const seen = {}; for (const e of document.querySelectorAll('[id]'))"
                " seen[e.id] = (seen[e.id] || 0) + 1;"
                " return Object.keys(seen).filter(k => seen[k] > 1); })()"
            )
            assert twice == [], (path.name, twice)
        finally:
            visit.close()


_ALIGNMENT = """([caption, header]) => {
  const table = [...document.querySelectorAll('table')]
    .find(t => t.caption && t.caption.textContent.startsWith(caption));
  const head = [...table.tHead.querySelectorAll('th')]
    .find(th => th.textContent.trim() === header);
  const labels = head.classList.contains('index_name');  // the row labels' own header
  const pattern = labels ? /^level\\d+$/ : /^col\\d+$/;
  const column = [...head.classList].find(c => pattern.test(c));
  const styles = cells => [...new Set([...cells].map(e => getComputedStyle(e).textAlign))];
  return {
    header: getComputedStyle(head).textAlign,
    cells: styles(table.querySelectorAll(labels ? `tbody th.${column}` : `tbody td.${column}`)),
    labels: styles(table.querySelectorAll('tbody th.row_heading')),
  };
}"""


def _alignment(page, caption: str, header: str) -> dict:
    return page.evaluate(_ALIGNMENT, [caption, header])


@pytest.mark.parametrize(
    ("page", "caption", "text", "number"),
    [
        ("01_actors", "The actors", "Actor", "GDP (US$ bn)"),
        ("01_actors", "The actors", "Region", "Military spending (US$ bn)"),
        ("korea-hedges", "Headline numbers", "Indicator", "This scenario"),
        ("korea-hedges", "Each bloc's share", "No figure for", "Alliance (%)"),
        ("05_consistency", "The descriptors", "meaning", None),
        ("06_alignment", "Whether each", "Would move", "Energy above where it settles"),
    ],
)  # fmt: skip
def test_text_is_left_aligned_and_numbers_right_aligned(site, browser, page, caption, text, number):
    """Typography, as the browser computes it: text columns (and row labels) left, numeric
    columns right, headers aligned with their column."""
    out, _ = site
    visit = Visit(browser, out / f"{page}.html")
    try:
        left = _alignment(visit.page, caption, text)
        assert left["header"] in ("left", "start"), (page, text, left)
        assert set(left["cells"]) <= {"left", "start"} and set(left["labels"]) <= {"left", "start"}
        if number is not None:
            right = _alignment(visit.page, caption, number)
            assert right["header"] == "right" and right["cells"] == ["right"], (page, number, right)
    finally:
        visit.close()


def test_table_reads_registry_formats_as_numbers_and_escapes_author_text():
    """The typography rule's decisions, without a browser: which columns are numbers, units
    in the header, and text shown as text."""
    frame = pd.DataFrame(
        {
            "Scenario": ["<b>Mine</b>", "Other"],
            "Trade at risk": ["$311.4 bn", "n/a"],
            "Share": ["56.6%", "<1%"],
            "Ratio": ["0.72x", "no rival total"],
            "Gap": ["+66.9 points", "-3.0 points"],
            "Holds": ["yes", "no"],
            "GDP": [17794.8, None],
        }
    ).set_index("Scenario")
    numeric = {c: is_numeric(frame[c]) for c in frame.columns}
    assert numeric == {
        "Trade at risk": True, "Share": True, "Ratio": True, "Gap": True, "Holds": False,
        "GDP": True,
    }  # fmt: skip
    styled = table(frame, caption="<i>cap</i>", units={"GDP": "US$ bn"}, formats={"GDP": "{:,.0f}"})
    page = styled.to_html()
    assert "<b>Mine</b>" not in page and "&lt;b&gt;Mine&lt;/b&gt;" in page
    assert "&lt;i&gt;cap&lt;/i&gt;" in page and ">GDP (US$ bn)<" in page and ">17,795<" in page
    assert (
        styled.to_html()
        == table(frame, "<i>cap</i>", {"GDP": "US$ bn"}, {"GDP": "{:,.0f}"}).to_html()
    )
    assert styled["GDP (US$ bn)"].iloc[0] == 17794.8  # still the frame underneath


def test_index_is_for_readers(site, browser, world):
    """No render status: title, summary, headline numbers, key judgements with their
    likelihood and the date each page was rendered."""
    out, _ = site
    visit = Visit(browser, out / "index.html")
    try:
        headers = visit.page.locator("th[scope=col]").all_inner_texts()
        assert "Status" not in headers and "Rendered" in headers
        body = visit.page.inner_text("body")
        for word in ("skipped", "not re-rendered", "showing the previous brief"):
            assert word not in body, word
        for ident in analysis.scenario_ids(world):
            row = visit.page.locator("tr", has=visit.page.locator(f'a[href="{ident}.html"]'))
            cells = row.locator("td").all_inner_texts()
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", cells[-1]), (ident, cells)
            assert re.search(r"\d", cells[0]), (ident, cells)  # a headline number
            likelihoods = row.locator("ul.judgements li").all_inner_texts()
            assert likelihoods and all(re.search(r"\(\S+%; 90% interval", t) for t in likelihoods)
    finally:
        visit.close()


def test_every_page_loads_cleanly_with_images_and_screenshots(site, browser):
    out, report = site
    assert report.ok, report.summary()
    shots = out / "_screenshots"
    shots.mkdir(exist_ok=True)
    for path in _pages(out):
        visit = Visit(browser, path)
        try:
            assert visit.errors == [], (path.name, visit.errors)
            assert visit.images_decoded(), path.name
            alts = visit.page.evaluate("Array.from(document.images).map(i => i.alt)")
            assert all(alt.strip() for alt in alts), path.name
            visit.page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=False)
        finally:
            visit.close()
    assert len(list(shots.glob("*.png"))) == len(_pages(out))


TERMS = ("almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely",
         "very likely", "almost certain")  # fmt: skip


def test_key_judgements_are_above_the_fold_with_a_word_and_a_number(site, browser, world):
    out, _ = site
    for ident in analysis.scenario_ids(world):
        visit = Visit(browser, out / f"{ident}.html")
        try:
            heading = visit.page.get_by_role("heading", name="Key judgements")
            box = heading.bounding_box()
            assert box is not None and box["y"] + box["height"] < VIEWPORT["height"], ident
            answer = visit.page.locator(".brief-answer").bounding_box()
            assert answer is not None and answer["y"] < VIEWPORT["height"], ident
            items = visit.page.locator("ol.key-judgements > li")
            assert 3 <= items.count() <= 5, ident
            first = items.first.bounding_box()
            assert first is not None and first["y"] < VIEWPORT["height"], ident
            for text in visit.page.locator("ol.key-judgements .likelihood").all_inner_texts():
                word = text.lower()
                assert any(word.startswith(term) for term in TERMS), (ident, text)
                assert re.search(r"\d+%", text), (ident, text)
            for text in visit.page.locator("ol.key-judgements .confidence").all_inner_texts():
                assert re.fullmatch(r"Confidence: (high|moderate|low)\.", text), (ident, text)
        finally:
            visit.close()


def test_index_links_resolve(site, browser):
    out, _ = site
    visit = Visit(browser, out / "index.html")
    try:
        links = visit.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        pages = [href for href in links if href.endswith(".html")]
        assert len(pages) >= len(_pages(out)) - 1
        for href in pages:
            response = visit.page.goto(href)
            assert response is None or response.ok, href
            assert visit.page.locator("h1").first.is_visible(), href
    finally:
        visit.close()


def test_hostile_scenario_text_stays_inert_in_the_browser(tmp_path, world, browser):
    own = tmp_path / "hostile.yaml"
    own.write_text(
        "id: hostile\n"
        "title: 'Pwn <script>window.pwned = 1; alert(1)</script>'\n"
        "summary: >-\n"
        '  <img src=x onerror="window.pwned = 2; alert(2)">\n'
        "  [click](javascript:alert(3)) <b onmouseover=alert(4)>bold</b>\n"
        '  <iframe src="javascript:alert(5)"></iframe>\n'
        "extends: asian-nato\n"
    )
    out = tmp_path / "out"
    report = render(world, [str(own)], out)
    assert report.ok, report.summary()
    for name in ("hostile.html", "index.html"):
        visit = Visit(browser, out / name)
        try:
            visit.page.mouse.move(200, 200)
            assert visit.dialogs == [], name
            assert visit.page.evaluate("window.pwned === undefined"), name
            assert visit.page.locator("iframe").count() == 0, name
            hrefs = visit.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            assert not [h for h in hrefs if h.startswith("javascript:")], name
            assert "<script>window.pwned" in visit.page.inner_text("body"), name  # shown as text
        finally:
            visit.close()
