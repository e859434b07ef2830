"""Warm Jupyter kernels: started once, they execute notebook after notebook with papermill,
their state reset between runs, so kernel start-up and imports are paid once per worker."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbformat.v4 import new_code_cell

#: Run by the kernel as it starts, so imports overlap with whatever the driver does meanwhile.
WARM_UP = ["%matplotlib inline", "import analysis.pipeline.kernel_state as _ks", "_ks.warm_up()"]
RESET = "%reset -f\nimport analysis.pipeline.kernel_state as _ks\n_ks.reset()"
RESET_TAG = "render-reset"


class WarmKernel:
    """One kernel process that runs successive notebooks in `cwd`.

    The constructor only launches the process; the first `execute` waits until it is ready.
    """

    def __init__(self, cwd: Path, kernel_name: str = "python3") -> None:
        self.cwd = cwd
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        options = [f"--IPKernelApp.exec_lines={WARM_UP!r}", "--IPKernelApp.log_level=ERROR"]
        run_sync(self.km.start_kernel)(cwd=str(cwd), extra_arguments=options)

    def execute(
        self, notebook: nbformat.NotebookNode, parameters: dict[str, object], output: Path
    ) -> nbformat.NotebookNode:
        """Reset the kernel, then run the notebook with papermill (parameters injected).

        The executed notebook, also when a cell fails, is written to `output`.
        """
        import papermill

        nb = copy.deepcopy(notebook)
        nb.cells.insert(0, new_code_cell(RESET, metadata={"tags": [RESET_TAG]}))
        executed = papermill.execute_notebook(
            nb, str(output), parameters=parameters, progress_bar=False, km=self.km,
            kernel_name=self.km.kernel_name, request_save_on_cell_execute=False,
        )  # fmt: skip
        return without_reset(executed)

    @staticmethod
    def failed_notebook(output: Path) -> nbformat.NotebookNode | None:
        """The executed notebook papermill saved when a cell failed, without the reset cell."""
        return without_reset(nbformat.read(output, as_version=4)) if output.exists() else None

    def shutdown(self) -> None:
        run_sync(self.km.shutdown_kernel)(now=True)


def without_reset(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without the reset cell the warm kernel ran first."""
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb
