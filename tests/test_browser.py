"""The rendered site in a real browser: headless Chromium (the system's), driven by Playwright.

Without Chromium the tests skip with the reason; in CI (CI=true) its absence is a failure.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

import analysis
from analysis.pipeline.render import render

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
        assert len(links) >= len(_pages(out)) - 1
        for href in links:
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
