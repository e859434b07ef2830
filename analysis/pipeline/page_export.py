"""The HTML exporter of the pages: nbconvert's, without re-parsing each finished page.

nbconvert's `HTMLExporter` ends by parsing the whole page with BeautifulSoup and writing it
out again, to give images without alt text a placeholder and every output `tabindex="0"` (so a
keyboard user can reach, and scroll, a wide output) and to every cell's input area (the
rendered prose of Markdown cells). That pass is about three quarters of an export. Our templates
give every image its alt text, so `PageExporter` only adds the tabindex, to the opening tags of
those boxes as the lab template writes them.
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode

#: The opening tag of an output's box or a cell's input area, as the lab template writes them.
_FOCUSABLE = re.compile(
    r'<div class="(?:[^"<>]* )?(?:jp-OutputArea-output|jp-Cell-inputWrapper)(?: [^"<>]*)?"'
)


def focusable(html: str) -> str:
    """The page with `tabindex="0"` on every output box and cell input area, where nbconvert's
    HTML exporter sets it."""
    return _FOCUSABLE.sub(lambda m: m.group(0) + ' tabindex="0"', html)


class PageExporter(HTMLExporter):
    """`HTMLExporter` with the same filters and templates, its boxes made focusable by
    `focusable` instead of a BeautifulSoup pass over the page."""

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        info = nb.metadata.get("language_info", {})
        lexer = info.get("pygments_lexer", info.get("name"))
        resources = self._init_resources(resources)
        self.register_filter(
            "highlight_code",
            self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)),
        )
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            ),
        )
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return focusable(html), resources
