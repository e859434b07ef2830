"""Rendering: end to end into a temporary folder, failure isolation, caching, warm-kernel
isolation, strict parameters and concurrent renders."""

import html
import json
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import analysis
from analysis import InputError
from analysis.cli import main
from analysis.pipeline import render as render_module
from analysis.pipeline.kernels import WarmKernel
from analysis.pipeline.render import NOTEBOOKS, check_parameters, render
from tests.conftest import OVERVIEWS

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def notebook(path: Path, *sources: str) -> Path:
    cells = [new_code_cell(sources[0], metadata={"tags": ["parameters"]})]
    cells += [new_code_cell(s) for s in sources[1:]]
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC}), path)
    return path


def fresh_interpreter(code: str) -> subprocess.CompletedProcess:
    """`code` run by a new Python (what a render's driver imports starts from nothing)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


@pytest.fixture
def rendered(site):
    return site


def test_every_scenario_gets_a_brief_and_the_index_links_them(rendered, world):
    out, report = rendered
    assert report.ok, report.summary()
    index = (out / "index.html").read_text()
    for ident in analysis.scenario_ids(world):
        page = (out / f"{ident}.html").read_text()
        title = analysis.load_scenario(ident, world).title
        assert html.escape(title, quote=False) in page or html.escape(title) in page
        assert "Key judgements" in page and "Provenance" in page
        assert re.search(r'<img[^>]+src="data:image/svg\+xml;base64,', page)  # charts embedded
        assert "load_world" not in page  # code hidden
        assert f'href="{ident}.html"' in index
    manifest = json.loads((out / "_manifest.json").read_text())["briefs"]
    assert set(manifest) == set(analysis.scenario_ids(world)) | set(OVERVIEWS)


def test_overview_notebooks_are_rendered_and_linked(rendered):
    out, _ = rendered
    assert {"01_actors", "03_compare"} <= set(OVERVIEWS)
    index = (out / "index.html").read_text()
    assert "<h2>Overview</h2>" in index
    actors = (out / "01_actors.html").read_text()
    assert "Who is who in Asian security" in actors and "North Korea" in actors
    assert len(re.findall(r'<img[^>]+src="data:image/svg\+xml;base64,', actors)) >= 4
    compare = (out / "03_compare.html").read_text()
    assert "Every scenario side by side" in compare
    for ident in ("status-quo", "china-joins", "korea-hedges"):
        assert ident in compare
    for name in OVERVIEWS:
        assert f'href="{name}.html"' in index


def test_brief_shows_the_essays_findings_with_numbers(rendered):
    out, _ = rendered
    page = (out / "china-joins.html").read_text()
    assert re.search(r"polarisation of positions on the alliance scale: 0\.\d{4}, against "
                     r"0\.\d{4} in asian-nato", page)  # fmt: skip
    assert re.search(r"(almost certain|very likely|likely|roughly even chance|unlikely|very "
                     r"unlikely|almost no chance) \(\S+%; 90% interval", page, re.I)  # fmt: skip


def test_unchanged_briefs_are_skipped_and_force_renders_again(rendered, world):
    out, _ = rendered
    before = (out / "status-quo.html").stat().st_mtime_ns
    report = render(world, ["status-quo"], out)
    assert [b.status for b in report.briefs] == ["skipped"]
    assert (out / "status-quo.html").stat().st_mtime_ns == before
    assert report.summary().startswith("0 rendered, 1 skipped, 0 failed")
    forced = render(world, ["status-quo"], out, force=True)
    assert [b.status for b in forced.briefs] == ["rendered"]


def test_changed_scenario_file_re_renders_only_what_depends_on_it(tmp_path, data_copy):
    out = tmp_path / "out"
    world = analysis.load_world(data_copy)
    first = render(world, analysis.scenario_ids(world), out)
    assert first.count("rendered") == 6, first.summary()
    path = data_copy / "scenarios" / "china-joins.yaml"
    path.write_text(path.read_text().replace('title: "', 'title: "Edited - ', 1))
    world = analysis.load_world(data_copy)
    second = render(world, analysis.scenario_ids(world), out)
    assert {b.id for b in second.briefs if b.status == "rendered"} == {"china-joins"}
    assert "Edited -" in (out / "china-joins.html").read_text()
    # asian-nato is extended by three scenarios and is their reference.
    path = data_copy / "scenarios" / "asian-nato.yaml"
    path.write_text(path.read_text() + "\n# a comment changes the file\n")
    world = analysis.load_world(data_copy)
    third = render(world, analysis.scenario_ids(world), out)
    assert {b.id for b in third.briefs if b.status == "rendered"} == {
        "asian-nato", "china-joins", "dprk-isolation", "korea-hedges",
    }  # fmt: skip


def test_one_broken_scenario_keeps_its_brief_and_the_others_render(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "status-quo.html").write_text("previous brief")
    broken = notebook(
        tmp_path / "broken.ipynb",
        'scenario = "x"\nreference = None\ndata = None',
        "x = 1",
        'if scenario == "status-quo":\n    raise RuntimeError("deliberately broken")',
        'print("brief for", scenario)',
    )
    monkeypatch.setattr(render_module, "SCENARIO_NOTEBOOK", broken)
    status = main(["render", "status-quo", "korea-hedges", "no-such-scenario", "--out", str(out)])
    assert status == 1
    assert (out / "status-quo.html").read_text() == "previous brief"
    assert "brief for korea-hedges" in (out / "korea-hedges.html").read_text()
    assert (out / "_failed" / "status-quo.ipynb").exists()
    error = (out / "_failed" / "status-quo.error.txt").read_text()
    assert error == "cell 3: RuntimeError: deliberately broken\n"  # counted in the source notebook
    lines = capsys.readouterr().out.splitlines()
    assert "failed status-quo: cell 3: RuntimeError: deliberately broken" in lines
    assert any(line.startswith("failed no-such-scenario: ") for line in lines)
    assert lines[-1].startswith("1 rendered, 0 skipped, 2 failed in ")
    index = (out / "index.html").read_text()  # for readers: the kept page, no render status
    assert 'href="status-quo.html"' in index and "deliberately broken" not in index
    assert "no-such-scenario" not in index and "failed" not in index.lower()


def test_warm_kernel_does_not_leak_state_between_notebooks(tmp_path):
    polluter = notebook(
        tmp_path / "a.ipynb",
        "value = 1",
        "import matplotlib\nimport pandas as pd\nsecret = 42\n"
        'pd.set_option("display.precision", 1)\nmatplotlib.rcParams["lines.linewidth"] = 9',
    )
    probe = notebook(
        tmp_path / "b.ipynb",
        "value = 2",
        "import matplotlib\nimport pandas as pd\n"
        'print("secret" in globals(), pd.get_option("display.precision"), '
        'matplotlib.rcParams["lines.linewidth"], value)',
    )

    def outputs(nb):
        return [c.get("outputs") for c in nb.cells if c.cell_type == "code"]

    def run(kernel, path, name):
        nb = nbformat.read(path, as_version=4)
        return kernel.execute(nb, {"value": 3}, tmp_path / name)

    fresh = WarmKernel(tmp_path)
    try:
        alone = run(fresh, probe, "alone.ipynb")
    finally:
        fresh.shutdown()
    warm = WarmKernel(tmp_path)
    try:
        run(warm, polluter, "first.ipynb")
        after = run(warm, probe, "second.ipynb")
    finally:
        warm.shutdown()
    assert outputs(after) == outputs(alone)
    assert "False 6 1.5 3" in after.cells[-1].outputs[0]["text"]


def test_brief_in_a_used_kernel_equals_brief_in_a_fresh_one(tmp_path):
    scenario_nb = nbformat.read(NOTEBOOKS / "02_scenario.ipynb", as_version=4)

    def texts(nb):
        return [
            o.get("data", {}).get("text/html") or o.get("text")
            for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if o.get("output_type") != "display_data" or "text/html" in o.get("data", {})
        ]  # fmt: skip

    fresh = WarmKernel(NOTEBOOKS)
    try:
        alone = fresh.execute(scenario_nb, {"scenario": "korea-hedges"}, tmp_path / "1.ipynb")
    finally:
        fresh.shutdown()
    warm = WarmKernel(NOTEBOOKS)
    try:
        warm.execute(scenario_nb, {"scenario": "china-joins"}, tmp_path / "2.ipynb")
        after = warm.execute(scenario_nb, {"scenario": "korea-hedges"}, tmp_path / "3.ipynb")
    finally:
        warm.shutdown()
    strip = lambda items: [re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "", t or "") for t in items]  # noqa: E731
    assert strip(texts(after)) == strip(texts(alone))


def test_unknown_or_missing_parameters_are_rejected_before_any_kernel(tmp_path, world, monkeypatch):
    nb = notebook(tmp_path / "p.ipynb", 'scenario = "x"\nreference = None\ndata = None', "pass")
    with pytest.raises(InputError, match=r"unknown \['colour'\]"):
        check_parameters(nb, {"scenario": "a", "colour": "red"}, {"scenario"})
    with pytest.raises(InputError, match=r"missing required \['scenario'\]"):
        check_parameters(nb, {"reference": "a"}, {"scenario"})
    stale = notebook(tmp_path / "stale.ipynb", "reference = None", "pass")  # no `scenario`
    monkeypatch.setattr(render_module, "SCENARIO_NOTEBOOK", stale)
    started = []
    monkeypatch.setattr(render_module, "_run_local", lambda *a: started.append(a) or iter(()))
    with pytest.raises(InputError, match=r"unknown \['scenario'\]"):
        render(world, ["status-quo"], tmp_path / "out")
    assert not started


def test_own_scenario_file_renders_under_its_id_with_text_kept_inert(tmp_path, world):
    own = tmp_path / "drafts" / "my-case.yaml"
    own.parent.mkdir()
    own.write_text(
        "id: my-case\n"
        "title: 'Mine <script>alert(1)</script>'\n"
        "summary: '<img src=x onerror=alert(2)> and [a link](javascript:alert(3))'\n"
        "extends: asian-nato\n"
    )
    out = tmp_path / "out"
    report = render(world, [str(own)], out)
    assert report.ok, report.summary()
    page = (out / "my-case.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and 'href="javascript:' not in page
    assert "<script>alert(1)" not in (out / "index.html").read_text()


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.closed = False

    def handle_endtag(self, tag):
        self.closed = self.closed or tag == "html"


def test_two_concurrent_renders_leave_valid_files(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "analysis", "render", "status-quo", "china-joins",
               "--out", str(out), "--force", "--jobs", "1"]  # fmt: skip
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    for name in ("status-quo.html", "china-joins.html", "index.html"):
        checker = _Checker()
        checker.feed((out / name).read_text())
        assert checker.closed, name
    json.loads((out / "_manifest.json").read_text())
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_dask_scheduler_renders_like_local(tmp_path, world):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False) as cluster:
        report = render(world, ["korea-hedges"], tmp_path, scheduler=cluster.scheduler_address)
    assert report.ok, report.summary()
    page = (tmp_path / "korea-hedges.html").read_text()
    assert "South Korea stays out" in page and "Key judgements" in page


def test_nothing_changed_is_decided_without_the_analysis_stack(rendered):
    """A render with nothing to do reads file bytes and the manifest only: no pandas, no
    model, no Jupyter is imported (that is what keeps the no-op re-run fast)."""
    out, _ = rendered
    code = (
        "import sys; from analysis.cli import main; "
        f"status = main(['render', 'status-quo', '--out', {str(out)!r}]); "
        "heavy = [m for m in ('pandas', 'analysis.model', 'nbconvert', 'papermill', "
        "'analysis.pipeline.zygote') "
        "if m in sys.modules]; print(status, heavy)"
    )
    done = fresh_interpreter(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 []"
    assert "0 rendered, 1 skipped, 0 failed" in done.stdout


def test_a_first_render_starts_its_kernels_zygote_before_planning(tmp_path, monkeypatch):
    """Into a new folder every page renders: the zygote imports the kernels' stack while the
    pages are planned (a render with nothing to do starts none: see the test above). One
    that never forks a kernel is stopped, not left importing."""
    events, zygotes = [], []
    start, plan = render_module.start_zygote, render_module.plan_scenario

    def started(count):
        events.append("zygote")
        zygotes.append(start(count))
        return zygotes[-1]

    def launch(todo, jobs, zygote, environment):
        zygote.release()  # asks for no kernel
        return []

    monkeypatch.setattr(render_module, "start_zygote", started)
    monkeypatch.setattr(
        render_module, "plan_scenario", lambda *a: events.append("plan") or plan(*a)
    )
    monkeypatch.setattr(render_module, "_launch", launch)
    monkeypatch.setattr(render_module, "_execute_all", lambda *args: None)
    render(None, ["status-quo", "china-joins"], tmp_path / "site")
    assert events == ["zygote", "plan", "plan"]
    (zygote,) = zygotes
    assert zygote.process.wait(timeout=30) == -signal.SIGKILL


def test_briefs_hand_their_index_row_to_the_renderer(rendered):
    """The renderer reads each scenario brief's headline numbers and key judgements from the
    brief's own outputs (one key, kept in two modules so the renderer stays light)."""
    from analysis.pipeline import render as pipeline_render
    from analysis.report import brief

    assert pipeline_render.INDEX_ROW == brief.INDEX_ROW
    out, report = rendered
    rows = {b.id: b for b in report.briefs if b.kind == "scenario"}
    assert rows and all(b.headline and b.labels and b.judgements for b in rows.values())
    index = (out / "index.html").read_text()
    assert rows["asian-nato"].labels["alliance_size"] in index


def test_kernels_side_by_side_are_forked_from_one_zygote_that_ends_with_them(tmp_path):
    probe = notebook(
        tmp_path / "p.ipynb",
        "value = 0",
        "import gc, logging, os, sys\n"
        "from ipykernel.debugger import _is_debugpy_available as debugger\n"
        "ip = get_ipython(); log = ip.kernel.log\n"
        "print(os.getppid(), ip.history_manager.enabled, gc.isenabled(), debugger,\n"
        "      log.isEnabledFor(logging.DEBUG), log.isEnabledFor(logging.ERROR), ip.autoawait,\n"
        "      'seaborn' in sys.modules, 'ipywidgets' in sys.modules)",
    )
    kernels = render_module.launch_kernels(tmp_path, 2)
    try:
        parents = set()
        for i, kernel in enumerate(kernels):
            nb = kernel.execute(nbformat.read(probe, as_version=4), {}, tmp_path / f"{i}.ipynb")
            parent, history, collecting, debugger, debug_log, error_log, awaits, *imported = (
                nb.cells[-1].outputs[0]["text"].split()
            )
            parents.add(int(parent))
            assert history == "False"  # a rendering kernel writes no input history
            assert collecting == "True"  # the zygote paused garbage collection, not its kernels
            assert debugger == "False"  # nobody debugs a rendering kernel: no debugpy
            assert (debug_log, error_log) == ("False", "True")  # builds only records it prints
            assert awaits == "False"  # cells are compiled once, to run synchronously
            assert imported == ["True", "False"]  # seaborn, without ipywidgets
        (zygote,) = parents  # both kernels are children of one process, the zygote
        command = Path(f"/proc/{zygote}/cmdline").read_bytes().split(b"\0")
        assert b"analysis.pipeline.zygote" in command
        pids = [kernel.km.provisioner.process.pid for kernel in kernels]
    finally:
        render_module.shutdown_all(kernels)
    assert not [pid for pid in pids if Path(f"/proc/{pid}").exists()]  # gone on return
    deadline = time.monotonic() + 30
    while Path(f"/proc/{zygote}").exists():  # it exits once the last kernel has shut down
        assert time.monotonic() < deadline, "the zygote outlived its kernels"
        time.sleep(0.1)


def test_a_kernel_with_no_page_left_stops_while_another_still_renders(tmp_path):
    from analysis.pipeline.plan import Job

    slow = notebook(tmp_path / "slow.ipynb", "seconds = 0", "import time\ntime.sleep(seconds)")
    quick = notebook(tmp_path / "quick.ipynb", "seconds = 0", "seconds")
    jobs = [
        Job("slow", str(slow), {"seconds": 4}, "slow", "k1"),
        Job("quick", str(quick), {}, "quick", "k2"),
    ]
    kernels = render_module.launch_kernels(tmp_path, 2)
    try:
        pids = [kernel.km.provisioner.process.pid for kernel in kernels]
        results = render_module._run_local(jobs, 2, kernels)
        assert next(results).id == "quick"
        deadline = time.monotonic() + 2.5
        while all(Path(f"/proc/{pid}").exists() for pid in pids):
            assert time.monotonic() < deadline, "the kernel with nothing left to do still runs"
            time.sleep(0.02)
        assert any(Path(f"/proc/{pid}").exists() for pid in pids)  # the other one works on
        assert next(results).id == "slow"
    finally:
        render_module.shutdown_all(kernels)


def test_compare_page_runs_after_the_briefs_it_reuses():
    from analysis.pipeline.plan import AFTER_BRIEFS, Job, run_order

    def job(notebook):
        return Job(Path(notebook).stem, str(notebook), {}, "", "")

    jobs = [job(NOTEBOOKS / f"{stem}.ipynb") for stem in render_module.REPORTS]
    jobs.insert(2, job(render_module.SCENARIO_NOTEBOOK))
    ordered = [Path(j.notebook).stem for j in run_order(jobs)]
    assert ordered[-len(AFTER_BRIEFS) :] == list(AFTER_BRIEFS)
    assert ordered.index("02_scenario") > max(
        ordered.index(s) for s in render_module.REPORTS if s not in AFTER_BRIEFS
    )


def test_the_driver_names_the_shared_folder_as_the_model_reads_it():
    from analysis.model import shared

    assert render_module.SHARED_FOLDER == shared.FOLDER


def test_pages_are_nbconverts_html_without_its_reparsing_pass():
    """The exporter skips nbconvert's BeautifulSoup pass over the finished page; parsed, its
    page is the one nbconvert writes: same elements, same alt text, the same boxes focusable."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from analysis.pipeline.page_export import PageExporter

    notebook = render_module.every_output_kind()
    settings = render_module.exporter_settings()
    resources = {"metadata": {"name": "A <page>"}}
    ours, _ = PageExporter(**settings).from_notebook_node(notebook, resources=dict(resources))
    theirs, _ = HTMLExporter(**settings).from_notebook_node(notebook, resources=dict(resources))
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs
    assert ours.count('tabindex="0"') == 5  # the Markdown cell and the four outputs
    assert 'alt="a chart"' in ours


def test_a_render_kernel_reads_unchanged_data_once(monkeypatch, tmp_path, data_copy):
    """In a render, pages of one kernel share the World while data/ is unchanged; an edited
    file is read again, and outside a render every call reads the files."""
    from analysis.model import shared

    monkeypatch.setattr(shared, "_kept", {})
    monkeypatch.setenv(shared.FOLDER, str(tmp_path))
    first = analysis.load_world(data_copy)
    assert analysis.load_world(data_copy) is first
    assert analysis.load_world() is not first  # another folder, another World
    table = data_copy / "parameters.csv"
    table.write_text(table.read_text().replace("trade.disruption_factor,the share of cross-bloc "
                     "trade at risk,0.05", "trade.disruption_factor,the share of cross-bloc trade "
                     "at risk,0.07"))  # fmt: skip
    edited = analysis.load_world(data_copy)
    assert edited.parameter("trade.disruption_factor") == 0.07
    assert first.parameter("trade.disruption_factor") == 0.05
    monkeypatch.delenv(shared.FOLDER)
    assert analysis.load_world(data_copy) is not analysis.load_world(data_copy)


def test_a_kernel_that_dies_before_it_answers_is_reported(tmp_path):
    kernel = WarmKernel(tmp_path)
    try:
        kernel.km.provisioner.process.kill()
        with pytest.raises(RuntimeError, match="died before it answered"):
            kernel.execute(
                nbformat.read(notebook(tmp_path / "a.ipynb", "x = 1"), 4), {}, tmp_path / "o"
            )
    finally:
        kernel.shutdown()


def test_the_driver_validates_notebooks_without_compiling_the_iri_grammar():
    code = (
        "import sys\n"
        "from analysis.pipeline.render import _decline_unused_imports\n"
        "_decline_unused_imports()\n"
        "import nbformat\n"
        "from nbformat.v4 import new_code_cell, new_notebook\n"
        "nbformat.validate(new_notebook(cells=[new_code_cell('x = 1')]))\n"
        "bad = new_notebook(); bad.cells = [{'cell_type': 'code'}]\n"
        "try:\n    nbformat.validate(bad)\nexcept nbformat.ValidationError:\n    pass\n"
        "else:\n    raise SystemExit('an invalid notebook passed')\n"
        "assert sys.modules['rfc3987_syntax'] is None\n"
    )
    done = fresh_interpreter(code)
    assert done.returncode == 0, done.stderr


def test_the_driver_imports_papermill_without_pyarrow_filesystems_which_stay_importable():
    code = (
        "import sys\n"
        "from analysis.pipeline.render import _decline_unused_imports\n"
        "_decline_unused_imports()\n"
        "assert 'papermill' in sys.modules and 'pyarrow.fs' not in sys.modules\n"
        "import papermill.iorw\n"
        "import pyarrow.fs\n"  # importable as usual afterwards
        "pyarrow.fs.LocalFileSystem()\n"
    )
    done = fresh_interpreter(code)
    assert done.returncode == 0, done.stderr


def test_a_declined_import_fails_inside_the_block_and_works_after_it():
    code = (
        "import json, sys\n"
        "from analysis.pipeline.imports import without\n"
        "with without('ipywidgets', 'json'):\n"
        "    try:\n"
        "        import ipywidgets\n"
        "    except ImportError:\n"
        "        print('declined')\n"
        "    import json\n"  # imported before the block: left alone
        "import ipywidgets\n"
        "print(ipywidgets.__name__, sys.modules['json'] is json)\n"
    )
    done = fresh_interpreter(code)
    assert done.stdout.split() == ["declined", "ipywidgets", "True"], done.stderr


def test_warm_up_leaves_garbage_collection_as_it_found_it():
    import gc

    from analysis.pipeline import kernel_state

    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            kernel_state.warm_up()
            after = gc.isenabled()
        finally:
            gc.unfreeze()
            gc.enable()
        assert after == enabled


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")
def test_exports_run_at_a_lower_priority_than_the_driver():
    import os
    import threading

    seen = {}

    def export_thread():
        render_module._in_background()
        seen["export"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    worker = threading.Thread(target=export_thread)
    worker.start()
    worker.join()
    assert seen["export"] == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)  # driver: unchanged
