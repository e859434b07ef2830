"""End-to-end rendering into a temporary folder, and a failing notebook keeping the old brief."""

import html
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import analysis
from analysis import render as render_module
from analysis.render import render


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, world):
    out = tmp_path_factory.mktemp("rendered")
    report = render(world, analysis.scenario_ids(world), out)
    return out, report


def test_every_scenario_gets_a_brief_and_the_index_links_them(rendered, world):
    out, report = rendered
    assert report.ok, report.summary()
    index = (out / "index.html").read_text()
    for ident in analysis.scenario_ids(world):
        page = (out / f"{ident}.html").read_text()
        title = analysis.load_scenario(ident, world).title
        assert html.escape(title, quote=False) in page or html.escape(title) in page
        assert "Key findings" in page and "Provenance" in page
        assert re.search(r'<img[^>]+src="data:image/png;base64,', page)  # charts embedded
        assert "load_world" not in page  # code hidden
        assert f'href="{ident}.html"' in index


def test_brief_shows_the_essays_findings_with_numbers(rendered):
    out, _ = rendered
    page = (out / "china-joins.html").read_text()
    assert "china-joining-depolarises" not in page  # ids stay internal; statements are shown
    assert re.search(r"polarisation = 0\.\d{4} \(asian-nato: 0\.\d{4}; expected decrease\)", page)


def test_failing_notebook_keeps_previous_brief_and_others_go_on(tmp_path, world, monkeypatch):
    good = tmp_path / "status-quo.html"
    good.write_text("previous brief")
    broken = tmp_path / "broken.ipynb"
    cells = [
        new_code_cell('scenario = "x"\nreference = None', metadata={"tags": ["parameters"]}),
        new_code_cell('raise RuntimeError("deliberately broken")'),
    ]
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, broken)
    monkeypatch.setattr(render_module, "SCENARIO_NOTEBOOK", broken)
    report = render(world, ["status-quo", "no-such-scenario"], tmp_path)
    assert not report.ok
    assert good.read_text() == "previous brief"
    assert (tmp_path / "_failed" / "status-quo.ipynb").exists()
    assert (
        "RuntimeError: deliberately broken"
        in (tmp_path / "_failed" / "status-quo.error.txt").read_text()
    )
    lines = report.summary().splitlines()
    assert any(line.startswith("failed status-quo: cell") for line in lines)
    assert any(line.startswith("failed no-such-scenario:") for line in lines)
    assert lines[-1].startswith("0 rendered, 2 failed")
    assert "showing the previous brief" in (tmp_path / "index.html").read_text()


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
    index = (out / "index.html").read_text()
    assert "<script>alert(1)" not in index
    assert "not re-rendered" in index  # shipped scenarios are still listed
