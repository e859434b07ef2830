"""The PDF edition (`render --pdf`): printed by the system's Chromium, page one answers the
question, the page count stays bounded, PDFs are cached like the HTML, and without Chromium
the command fails cleanly before touching anything.

Without Chromium the printing tests skip with the reason; in CI (CI=true) its absence fails.
"""

import html
import io
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

import analysis
from analysis.cli import main
from analysis.pipeline import pdf
from analysis.pipeline.render import render

#: A scenario brief prints to at most this many A4 pages (6-8 when measured; 11-13 before
#: the print stylesheet let the key judgements start on page one).
PAGE_BOUND = 9


@pytest.fixture(scope="module")
def chromium() -> Path:
    found = pdf.find_chromium()
    if found is None:
        reason = "no Chromium on this machine (Debian: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    pytest.importorskip("pypdf")
    return found


@pytest.fixture
def copy(site, tmp_path) -> Path:
    """A private copy of the rendered site (its briefs are current, so only PDFs print)."""
    target = tmp_path / "site"
    shutil.copytree(site[0], target)
    return target


def _pages(path: Path) -> list[str]:
    """Each page's text, ligatures undone and white space collapsed."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return [
        " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
        for page in reader.pages
    ]


def _opening(page: str) -> tuple[str, str]:
    """The answer's first sentence and the first key judgement's statement, from the HTML."""
    answer = re.search(r'<p class="brief-answer"><strong>(.*?)</strong>', page, re.S)
    first = re.search(r'<ol class="key-judgements">\s*<li><strong>(.*?)</strong>', page, re.S)
    assert answer and first
    sentence = html.unescape(answer.group(1)).split(". ")[0]
    return " ".join(sentence.split()), " ".join(html.unescape(first.group(1)).split())


def test_every_scenario_brief_answers_on_printed_page_one(copy, world, chromium):
    ids = analysis.scenario_ids(world)
    report = render(world, ids, copy, pdf=True)
    assert report.ok, report.summary()
    assert sorted(report.pdf.printed) == sorted(ids)
    for ident in ids:
        text = _pages(copy / f"{ident}.pdf")
        answer, judgement = _opening((copy / f"{ident}.html").read_text())
        one = text[0]
        assert "Key judgements" in one, ident
        assert answer in one, (ident, answer, one)
        assert judgement in one, (ident, judgement, one)
        assert len(text) <= PAGE_BOUND, (ident, len(text))
        title = analysis.load_scenario(ident, world).title
        # The running footer: the title, the date and the page number, on every page.
        for number, page in enumerate(text, start=1):
            assert f"page {number} of {len(text)}" in page, (ident, number)
            assert title in page, (ident, number)
            assert re.search(r"Rendered \d{4}-\d\d-\d\d", page), (ident, number)


def test_pdf_is_printed_again_only_when_its_html_changed(copy, world, chromium):
    first = render(world, ["status-quo"], copy, pdf=True)
    assert first.pdf.printed == ["status-quo"], first.summary()
    target = copy / "status-quo.pdf"
    printed = target.stat().st_mtime_ns
    again = render(world, ["status-quo"], copy, pdf=True)
    assert again.pdf.printed == [] and again.pdf.unchanged == ["status-quo"]
    assert target.stat().st_mtime_ns == printed
    assert "pdf: 0 printed, 1 unchanged" in again.summary().splitlines()
    index = (copy / "index.html").read_text()
    assert 'href="status-quo.pdf"' in index and 'href="asian-nato.pdf"' not in index
    page = copy / "status-quo.html"
    page.write_text(page.read_text() + "\n<!-- changed -->\n")
    changed = render(world, ["status-quo"], copy, pdf=True)
    assert changed.pdf.printed == ["status-quo"]
    target.unlink()
    missing = render(world, ["status-quo"], copy, pdf=True)
    assert missing.pdf.printed == ["status-quo"] and target.exists()
    render(world, ["status-quo"], copy, force=True)  # new HTML, no --pdf: the PDF is stale
    assert 'href="status-quo.pdf"' not in (copy / "index.html").read_text()


def test_without_chromium_pdf_fails_in_one_line_and_leaves_the_html(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "status-quo.html").write_text("previous brief")
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    assert main(["render", "status-quo", "--out", str(out), "--pdf"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: chromium: not found") and "apt-get install chromium" in err
    assert len(err.splitlines()) == 1
    assert [p.name for p in out.iterdir()] == ["status-quo.html"]
    assert (out / "status-quo.html").read_text() == "previous brief"
