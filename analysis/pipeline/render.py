"""Batch rendering of briefs: plan, skip what is unchanged, execute on warm kernels in
parallel (or on a dask.distributed cluster), export HTML with nbconvert, write atomically.

One driver process runs papermill and nbconvert for every job. A failed job keeps the
previous brief and leaves its executed notebook and error in `<out>/_failed/`; the batch
goes on and the exit status says so.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import InputError
from analysis.pipeline import cache
from analysis.pipeline import pdf as pdf_edition
from analysis.pipeline.files import write_atomic
from analysis.pipeline.plan import (
    NOTEBOOKS,
    REPORTS,
    SCENARIO_NOTEBOOK,
    Brief,
    Job,
    check_parameters,
    plan_report,
    plan_scenario,
    run_order,
)

if TYPE_CHECKING:
    from analysis.world import World

TEMPLATES = Path(__file__).resolve().parent / "templates"
MANIFEST = "_manifest.json"
INDEX_ROW = "analysis/index-row"  # as `analysis.report.brief.INDEX_ROW` (kept light here)
MANIFEST_VERSION = 3  # raised whenever a brief's index row changes shape
#: The variable naming the folder where a render's kernels share results, as
#: `analysis.model.shared.FOLDER` (not imported here: the model is heavy to import).
SHARED_FOLDER = "ANALYSIS_SHARED_RESULTS"

__all__ = ["NOTEBOOKS", "REPORTS", "SCENARIO_NOTEBOOK", "check_parameters", "render"]


@dataclass
class JobResult:
    """What executing a job produced: the HTML, or the error and the executed notebook."""

    id: str
    html: str | None = None
    error: str = ""
    executed: str | None = None  # the executed notebook as JSON, kept when a cell failed
    notebook: object = None  # the executed notebook between execution and export
    row: dict | None = None  # the index row a scenario brief hands over in its outputs


@dataclass
class RenderReport:
    briefs: list[Brief]
    seconds: float
    pdf: pdf_edition.PdfReport | None = None  # with --pdf: what was printed

    @property
    def ok(self) -> bool:
        return all(b.status != "failed" for b in self.briefs) and not (self.pdf and self.pdf.failed)

    def count(self, status: str) -> int:
        return sum(b.status == status for b in self.briefs)

    def summary(self) -> str:
        lines = [f"failed {b.id}: {b.error}" for b in self.briefs if b.status == "failed"]
        if self.pdf is not None:
            lines.append(self.pdf.summary())
        lines.append(
            f"{self.count('rendered')} rendered, {self.count('skipped')} skipped, "
            f"{self.count('failed')} failed in {self.seconds:.1f} s"
        )
        return "\n".join(lines)


# -- execution ------------------------------------------------------------------------------

_local = threading.local()  # per dask worker thread: its warm kernel
_kernels: list = []
_kernels_lock = threading.Lock()


def _thread_kernel(cwd: Path):
    """This thread's warm kernel, started on first use (a dask worker thread)."""
    from analysis.pipeline.kernels import WarmKernel

    if getattr(_local, "kernel", None) is None:
        _local.kernel = WarmKernel(cwd)
        with _kernels_lock:
            _kernels.append(_local.kernel)
    return _local.kernel


def shutdown_kernels() -> None:
    """Shut down the kernels the dask worker threads started (side by side)."""
    with _kernels_lock:
        kernels, _kernels[:] = list(_kernels), []
    shutdown_all(kernels)


_export_lock = threading.Lock()
_html_exporter = None


def _exporter():
    """The process's HTML exporter (its templates load once): outputs only, code hidden.

    Callers hold `_export_lock`: exporting is CPU-bound, so one at a time loses nothing.
    """
    global _html_exporter
    from analysis.pipeline.page_export import PageExporter

    if _html_exporter is None:
        _html_exporter = PageExporter(**exporter_settings())
    return _html_exporter


def exporter_settings() -> dict:
    """How the pages are exported: the brief template, outputs only, no prompts."""
    return dict(
        template_name="brief", extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        filters={"base64": _base64}, optimistic_validation=True,
    )  # fmt: skip


def _in_background() -> None:
    """Lower the calling thread's scheduling priority (Linux sets it per thread): exporting a
    page can wait for a free core, a kernel's next cell cannot."""
    if sys.platform.startswith("linux"):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _warm_exporter() -> None:
    """Export a small notebook with every kind of output a brief has (prose, a table, a
    chart, text), so the templates and the Markdown renderer are compiled before the first
    brief arrives (run while kernels boot)."""
    with _export_lock:
        _exporter().from_notebook_node(every_output_kind())


def every_output_kind():
    """A small notebook with prose and every kind of output a page has."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    chart = {"image/svg+xml": {"alt": "a chart", "caption": "Its caption."}}
    outputs = [
        new_output("display_data", {"image/svg+xml": "<svg/>", "text/plain": "c"}, metadata=chart),
        new_output("execute_result", {"text/html": "<table><tr><td>1</td></tr></table>"}),
        new_output("display_data", {"text/markdown": "*a* [b](#c)", "text/plain": "a b"}),
        new_output("stream", name="stdout", text="text"),
    ]
    cells = [new_markdown_cell("## A\n\n*b* `c` [d](#e)"), new_code_cell(outputs=outputs)]
    return new_notebook(cells=cells)


def _base64(text: str) -> str:
    """Text as base64 (the brief template embeds SVG charts as `<img>` data URIs, with alt)."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _failure_message(exc: BaseException, sources: list[str]) -> str:
    """One line: the failing cell's position in the source notebook (from 1), the exception."""
    import papermill

    if isinstance(exc, papermill.PapermillExecutionError):
        where = sources.index(exc.source) + 1 if exc.source in sources else exc.exec_count
        return f"cell {where}: {exc.ename}: {exc.evalue}"
    return f"{type(exc).__name__}: {exc}"


def _execute(job: Job, kernel) -> JobResult:
    """Run the job's notebook on a warm kernel; on failure keep the executed notebook."""
    import nbformat

    notebook = nbformat.read(job.notebook, as_version=4)
    sources = [c.source for c in notebook.cells]
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "executed.ipynb"
        try:
            executed = kernel.execute(notebook, job.parameters, output)
        except Exception as exc:  # a broken notebook must not stop the batch
            saved = kernel.failed_notebook(output)
            text = nbformat.writes(saved) if saved is not None else None
            return JobResult(job.id, error=_failure_message(exc, sources), executed=text)
    return JobResult(job.id, notebook=executed)


def _export(job: Job, result: JobResult) -> JobResult:
    """Turn an executed notebook into the HTML brief (no kernel needed)."""
    if result.notebook is not None:
        result.row = index_row(result.notebook)
        resources = {"metadata": {"name": job.title}}
        with _export_lock:
            result.html, _ = _exporter().from_notebook_node(result.notebook, resources=resources)
        result.notebook = None
    return result


def execute_job(job: Job) -> JobResult:
    """Execute one job on this thread's warm kernel and export it (a dask worker's task)."""
    return _export(job, _execute(job, _thread_kernel(Path(job.notebook).parent)))


def kernel_threads(count: int) -> int | None:
    """Threads per numeric library in each of `count` kernels side by side (None: one kernel
    keeps the libraries' defaults)."""
    return max(1, (os.cpu_count() or 1) // count) if count > 1 else None


def start_zygote(count: int):
    """The process `count` kernels will be forked from, importing the stack from now on; None
    for one kernel (it imports the stack itself just as fast)."""
    from analysis.pipeline.zygote import Zygote, thread_environment

    if count < 2:
        return None
    return Zygote(thread_environment(kernel_threads(count)))


def launch_kernels(cwd: Path, count: int, zygote=None, environment=None) -> list:
    """Launch `count` warm kernels in `cwd`, sharing the cores; they boot (and import the
    stack) meanwhile. Several are forked from one process that imports the stack once (from
    `zygote`, or one started now). `environment` adds variables to the kernels'."""
    from analysis.pipeline.kernels import WarmKernel

    zygote = zygote if zygote is not None else start_zygote(count)
    try:
        return [
            WarmKernel(cwd, threads=kernel_threads(count), zygote=zygote, environment=environment)
            for _ in range(count)
        ]
    finally:
        if zygote is not None:
            zygote.release()  # the kernels hold it now


def shutdown_all(kernels: list) -> None:
    """Shut the kernels down side by side: each waits for its process to end."""
    if kernels:
        with ThreadPoolExecutor(max_workers=len(kernels), thread_name_prefix="shutdown") as pool:
            list(pool.map(lambda kernel: kernel.shutdown(), kernels))


def _run_local(jobs: list[Job], workers: int, kernels: list | None = None) -> Iterator[JobResult]:
    """Run the jobs on warm kernels (`kernels`, or `workers` launched now) and return the
    results as jobs finish. Each kernel is driven by a thread of its own, which hands every
    executed notebook to the exporting thread and moves on to the next job meanwhile, and
    shuts its kernel down once no job is left."""
    own = kernels is None
    if kernels is None:
        kernels = launch_kernels(Path(jobs[0].notebook).parent, max(1, min(workers, len(jobs))))
    pending: queue.SimpleQueue[Job] = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    done: queue.SimpleQueue[Future] = queue.SimpleQueue()
    exports = ThreadPoolExecutor(1, thread_name_prefix="export", initializer=_in_background)
    exports.submit(_warm_exporter)

    def drive(kernel) -> None:
        while True:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                break
            try:
                result = _execute(job, kernel)
            except BaseException as exc:  # handed to the caller, as a pool's future would
                failed: Future = Future()
                failed.set_exception(exc)
                done.put(failed)
                continue
            done.put(exports.submit(_export, job, result))
        try:  # no page left for it: it stops while the others finish theirs
            kernel.shutdown()
        except Exception:  # shut down again, and reported, with the rest
            pass

    def results() -> Iterator[JobResult]:
        try:
            for kernel in kernels:
                threading.Thread(target=drive, args=(kernel,), daemon=True).start()
            for _ in jobs:
                yield done.get().result()
        finally:
            exports.shutdown(wait=False, cancel_futures=True)
            if own:
                shutdown_all(kernels)

    return results()


def _run_dask(jobs: list[Job], scheduler: str) -> Iterator[JobResult]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        futures = [
            client.submit(execute_job, job, key=f"brief-{job.id}-{job.key[:12]}") for job in jobs
        ]
        try:
            for future in dask_completed(futures):
                yield future.result()
        finally:
            shutdown_kernels()  # kernels of in-process workers (a LocalCluster without processes)


# -- output -------------------------------------------------------------------------------


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on `out` so two renders cannot interleave their writes."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".render.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another render into {out} to finish", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(out: Path) -> dict:
    """The previous render's manifest; one of another version is ignored (a full render)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
        return {}
    return manifest


def _day(brief: Brief, out: Path) -> str:
    """The date the brief's page was rendered (its file's date if the manifest has none)."""
    if brief.rendered_at:
        return brief.rendered_at[:10]
    page = out / f"{brief.id}.html"
    return f"{datetime.fromtimestamp(page.stat().st_mtime, UTC):%Y-%m-%d}" if page.exists() else ""


def _index_columns(briefs: list[Brief]) -> list[tuple[str, str]]:
    """The index's number columns, with their labels, as the scenario briefs hand them over
    (the registry's "index" view)."""
    columns: dict[str, str] = {}
    for brief in briefs:
        for key, label in brief.labels.items():
            columns.setdefault(key, label)
    return list(columns.items())


def index_row(notebook) -> dict | None:
    """The index row a scenario brief left in its outputs' metadata, if any."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            row = output.get("metadata", {}).get("text/markdown", {}).get(INDEX_ROW)
            if row is not None:
                return dict(row)
    return None


def write_index(briefs: list[Brief], out: Path, pdf_records: dict[str, dict] | None = None) -> None:
    """index.html, for readers: every brief with its title, summary, headline numbers, key
    judgements and the date it was rendered, linked to its page (and its PDF when current).

    Listed are the pages that exist and the briefs that failed before they ever had one (with
    a note); not a name that never was a brief (a typo on the command line)."""
    import jinja2

    records = pdf_records or {}
    briefs = [b for b in briefs if b.title or (out / f"{b.id}.html").exists()]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    page = env.get_template("index.html.j2").render(
        briefs=briefs,
        columns=_index_columns(briefs),
        exists={b.id: (out / f"{b.id}.html").exists() for b in briefs},
        pdfs={
            b.id: pdf_edition.is_current(
                out / f"{b.id}.html", out / f"{b.id}.pdf", records.get(b.id)
            )
            for b in briefs
        },
        dates={b.id: _day(b, out) for b in briefs},
        date=datetime.now(UTC).strftime("%Y-%m-%d"),
    )
    write_atomic(out / "index.html", page)


def _store(result: JobResult, brief: Brief, out: Path) -> None:
    failed = out / "_failed"
    if result.html is not None:
        write_atomic(out / f"{result.id}.html", result.html)
        brief.status, brief.rendered_at = (
            "rendered",
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        for stale in (failed / f"{result.id}.ipynb", failed / f"{result.id}.error.txt"):
            stale.unlink(missing_ok=True)
    else:
        brief.status, brief.error = "failed", result.error
        if result.executed is not None:
            write_atomic(failed / f"{result.id}.ipynb", result.executed)
        write_atomic(failed / f"{result.id}.error.txt", result.error + "\n")


# -- the command ----------------------------------------------------------------------------


def render(
    world: World | Path | None,
    scenarios: list[str],
    out: Path,
    jobs: int | None = None,
    force: bool = False,
    scheduler: str | None = None,
    reports: tuple[str, ...] = (),
    pdf: bool = False,
) -> RenderReport:
    """Render the overview notebooks `reports` and one brief per scenario into `out`,
    skipping unchanged pages, then the index page. `world` is a loaded World or a data
    folder (None: data/): unchanged pages are recognised from file bytes before anything
    heavy is imported or loaded. With `pdf`, also print each page to `<id>.pdf` unless its
    PDF is current; without Chromium that fails before anything is rendered."""
    start = time.perf_counter()
    data_dir = Path(getattr(world, "data_dir", world or cache.DATA_DIR))
    zygote = None  # the kernels' zygote, until it is handed to them
    if not scheduler and (force or not (out / MANIFEST).exists()):
        # A first render into `out`, or a forced one, renders every page: the zygote imports
        # the kernels' stack while the pages are planned.
        zygote = start_zygote(min(jobs or os.cpu_count() or 1, len(reports) + len(scenarios)))
    try:
        executable = pdf_edition.printer() if pdf else None
        with locked(out):
            previous = _read(out)
            manifest = previous.get("briefs", {})
            pdf_records: dict[str, dict] = previous.get("pdf", {})
            shared = cache.shared_inputs(data_dir, SCENARIO_NOTEBOOK)
            briefs: dict[str, Brief] = {}
            todo: list[tuple[str, Job | None]] = []  # (as named, job); None: still to load
            planned: list[tuple[str, Job | None, Brief | None]] = []
            for stem in reports:
                job, row = plan_report(data_dir, stem)
                planned.append((stem, job, row))
            planned += [
                (ident, plan_scenario(data_dir, ident, shared, SCENARIO_NOTEBOOK), None)
                for ident in scenarios
            ]
            for ident, job, row in planned:
                old = manifest.get(job.id) if job is not None else None
                unchanged = old and old["key"] == job.key and (out / f"{job.id}.html").exists()
                if not force and unchanged:
                    briefs[job.id] = Brief(**{**old, "status": "skipped", "error": ""})
                    continue
                todo.append((ident, job))
                if job is not None and row is not None:
                    briefs[job.id] = row
            if todo:
                if zygote is None and not scheduler:
                    zygote = start_zygote(_kernel_count(todo, jobs))
                _decline_unused_imports()
                for _, job in todo:  # before any kernel starts
                    if job is not None:
                        check_parameters(Path(job.notebook), job.parameters, job.required)
                folder = tempfile.mkdtemp(prefix="analysis-shared-")  # results pages share
                handed, zygote = zygote, None  # the kernels hold it now (or it is released)
                kernels = [] if scheduler else _launch(todo, jobs, handed, {SHARED_FOLDER: folder})
                try:  # the kernels boot while the world loads
                    world = world if hasattr(world, "data_dir") else _load(data_dir)
                    _execute_all(world, todo, briefs, out, jobs, scheduler, kernels)
                finally:
                    shutdown_all(kernels)
                    shutil.rmtree(folder, ignore_errors=True)
            printed = None
            if executable is not None:
                pages = {b: out / f"{b}.html" for b in briefs if (out / f"{b}.html").exists()}
                printed = pdf_edition.print_pages(pages, pdf_records, executable)
            if todo or (printed is not None and (printed.printed or printed.failed)):
                _write_records(out, briefs, manifest, pdf_records)
    finally:
        if zygote is not None:  # never handed to kernels: it stops (at once if unused)
            zygote.release()
    return RenderReport(list(briefs.values()), time.perf_counter() - start, printed)


def _decline_unused_imports() -> None:
    """Keep the driver from importing two optional parts it never uses:

    * jsonschema (which nbformat imports) loads `rfc3987_syntax` for its "iri" format check:
      that package compiles a grammar on import, ~1.2 s of the driver's time (jsonschema issue
      1428). Notebook validation checks no formats, so nothing is lost.
    * papermill imports `pyarrow.fs` for HDFS paths (~0.15 s); the driver reads and writes
      local files only. papermill is imported here with `pyarrow.fs` unavailable, so it
      records HDFS as missing; `pyarrow.fs` stays importable for any later user.
    """
    from analysis.pipeline.imports import without

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
    if "papermill" not in sys.modules:
        with without("pyarrow.fs"):
            import papermill  # noqa: F401


def _load(data_dir: Path) -> World:
    """The World, to check the scenarios before any kernel starts (the notebooks check the
    rest); only when a page must render."""
    from analysis.world import load_world

    return load_world(data_dir)


def _kernel_count(todo: list[tuple[str, Job | None]], jobs: int | None) -> int:
    """How many warm kernels the pages known so far need (0: none known yet)."""
    known = sum(job is not None for _, job in todo)
    return min(jobs or os.cpu_count() or 1, known)


def _launch(
    todo: list[tuple[str, Job | None]], jobs: int | None, zygote=None, environment=None
) -> list:
    """Warm kernels for the pages to render, launched as soon as they are known (forked from
    `zygote` when given, with `environment` added to theirs)."""
    notebooks = [Path(job.notebook) for _, job in todo if job is not None]
    if not notebooks:  # none found yet: launched once some are (if any)
        if zygote is not None:
            zygote.release()
        return []
    return launch_kernels(notebooks[0].parent, _kernel_count(todo, jobs), zygote, environment)


def _execute_all(
    world: World,
    todo: list[tuple[str, Job | None]],
    briefs: dict[str, Brief],
    out: Path,
    jobs: int | None,
    scheduler: str | None,
    kernels: list | None = None,
) -> None:
    """Load the scenarios still to plan (checking their parameters), run the jobs on warm
    kernels (`kernels`, booting meanwhile) and store the pages."""
    from analysis.world import load_scenario

    runnable: list[Job] = []
    for ident, job in todo:
        if job is None or job.notebook == str(SCENARIO_NOTEBOOK):
            try:
                scenario = load_scenario(ident, world)
            except InputError as exc:
                briefs[job.id if job else ident] = Brief(ident, "failed", error=str(exc))
                continue
            if job is None:  # loaded after all (e.g. found beside a file): plan it now
                shared = cache.shared_inputs(world.data_dir, SCENARIO_NOTEBOOK)
                job = plan_scenario(world.data_dir, str(scenario.path), shared, SCENARIO_NOTEBOOK)
                check_parameters(Path(job.notebook), job.parameters, job.required)
            job = Job(job.id, job.notebook, job.parameters, scenario.title, job.key, job.required)
            briefs[job.id] = Brief(
                job.id, "rendered", scenario.title, scenario.summary, key=job.key
            )
        runnable.append(job)
    if not runnable:
        return
    runnable = run_order(runnable)
    if scheduler:
        results = _run_dask(runnable, scheduler)
    else:
        results = _run_local(runnable, jobs or os.cpu_count() or 1, kernels or None)
    from tqdm import tqdm

    progress = tqdm(results, total=len(runnable), desc="rendering", unit="brief", disable=None)
    for result in progress:
        brief = briefs[result.id]
        if result.row is not None:
            brief.headline = result.row.get("headline", {})
            brief.labels = result.row.get("labels", {})
            brief.judgements = result.row.get("judgements", [])
        _store(result, brief, out)


def _write_records(
    out: Path, briefs: dict[str, Brief], manifest: dict[str, dict], pdf_records: dict
) -> None:
    """The manifest and the index page, after pages were rendered or printed."""
    for brief in briefs.values():
        if brief.status != "failed":
            manifest[brief.id] = asdict(brief)
    contents = {"version": MANIFEST_VERSION, "briefs": manifest, "pdf": pdf_records}
    write_atomic(out / MANIFEST, json.dumps(contents, indent=1))
    # A failed brief whose previous page is kept is listed as that page shows it.
    listed = [
        Brief(**{**manifest[b.id], "status": b.status, "error": b.error})
        if b.status == "failed" and b.id in manifest and (out / f"{b.id}.html").exists()
        else b
        for b in briefs.values()
    ]
    listed += [
        Brief(**{**row, "status": "not re-rendered"})
        for ident, row in manifest.items()
        if ident not in briefs
    ]
    write_index(listed, out, pdf_records)
