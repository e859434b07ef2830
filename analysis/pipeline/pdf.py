"""The PDF edition: each rendered page printed by the system's Chromium through Playwright
(no browser is downloaded), with the brief template's print stylesheet and running footer.

A PDF is printed again only when its HTML changed since it was printed, when the print
settings changed, or when the file is missing: `record()` is what the manifest keeps.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import InputError
from analysis.pipeline.files import write_atomic

#: Where Chromium is looked for: these names on PATH, then these paths.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_PATHS = (Path("/usr/bin/chromium"),)
FLAGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip
#: How a page is printed. Margins, the running footer and page breaks are the page's own
#: print stylesheet (`@page` in the brief template); A4 unless the page names a size.
OPTIONS = {"format": "A4", "print_background": True, "tagged": True, "outline": True}
#: Part of every PDF's record: a change of the print settings prints every page again.
PRINTER = hashlib.sha256(json.dumps(OPTIONS, sort_keys=True).encode()).hexdigest()[:12]


class PrinterError(InputError):
    """The PDF edition cannot be printed on this machine (reported in one line, exit 2)."""


@dataclass
class PdfReport:
    """What printing did: pages printed, pages whose PDF was current, pages that failed."""

    printed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"failed pdf {ident}: {error}" for ident, error in self.failed.items()]
        lines.append(f"pdf: {len(self.printed)} printed, {len(self.unchanged)} unchanged")
        return "\n".join(lines)


def find_chromium() -> Path | None:
    """The system's Chromium, or None."""
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return Path(found)
    return next((p for p in CHROMIUM_PATHS if p.is_file() and os.access(p, os.X_OK)), None)


def printer() -> Path:
    """Chromium's path, after checking that Chromium and Playwright are both here."""
    executable = find_chromium()
    if executable is None:
        looked = ", ".join(CHROMIUM_NAMES) + " on PATH, " + ", ".join(map(str, CHROMIUM_PATHS))
        raise PrinterError(
            "chromium", "",
            f"not found (looked for {looked}); the PDF edition is printed by the system's "
            "Chromium (Debian: apt-get install chromium). Nothing was rendered; run without "
            "--pdf for the HTML only",
        )  # fmt: skip
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise PrinterError(
            "playwright", "",
            "not installed (pip install playwright; no browser download is needed). Nothing "
            "was rendered; run without --pdf for the HTML only",
        ) from None  # fmt: skip
    return executable


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(html: Path) -> dict[str, str]:
    """What a PDF printed from `html` now would be recorded as in the manifest."""
    return {"html_sha256": digest(html), "printer": PRINTER}


def is_current(html: Path, pdf: Path, recorded: Mapping[str, str] | None) -> bool:
    """Whether `pdf` exists and was printed from `html` as it is, with today's settings."""
    return pdf.exists() and html.exists() and recorded == record(html)


def _print_all(executable: Path, jobs: dict[str, tuple[Path, Path]], report: PdfReport) -> None:
    """Print `jobs` (id -> (html, pdf)) with one browser, each page in a fresh context that
    runs no script and fetches nothing from the web."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=list(FLAGS))
        try:
            for ident, (html, pdf) in jobs.items():
                context = browser.new_context(java_script_enabled=False)
                try:
                    context.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
                    page = context.new_page()
                    page.goto(html.resolve().as_uri(), wait_until="load")
                    write_atomic(pdf, page.pdf(**OPTIONS))
                    report.printed.append(ident)
                except Exception as exc:  # one page failing must not stop the others
                    report.failed[ident] = f"{type(exc).__name__}: {exc}".splitlines()[0]
                finally:
                    context.close()
        finally:
            browser.close()


def print_pages(
    pages: Mapping[str, Path], records: dict[str, dict], executable: Path | None = None
) -> PdfReport:
    """Print each page (id -> HTML file) to a PDF beside it, unless its PDF is current;
    `records` (id -> record, from the manifest) is updated for every page printed."""
    report = PdfReport()
    jobs, now = {}, {}
    for ident, html in pages.items():
        pdf, now[ident] = html.with_suffix(".pdf"), record(html)
        if pdf.exists() and records.get(ident) == now[ident]:
            report.unchanged.append(ident)
        else:
            jobs[ident] = (html, pdf)
    if jobs:
        executable = executable or printer()
        # Playwright's sync API refuses to run inside an event loop (a notebook's): a thread
        # of its own has none.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(_print_all, executable, jobs, report).result()
        for ident in report.printed:
            records[ident] = now[ident]
    return report
