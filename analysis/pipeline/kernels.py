"""Warm Jupyter kernels: started once, they execute notebook after notebook with papermill,
their state reset between runs, so kernel start-up and imports are paid once per worker."""

from __future__ import annotations

import copy
import os
import threading
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbformat.v4 import new_code_cell

#: Run by the kernel as it starts, so imports overlap with whatever the driver does meanwhile.
WARM_UP = ["%matplotlib inline", "import analysis.pipeline.kernel_state as _ks", "_ks.warm_up()"]
RESET = "%reset -f\nimport analysis.pipeline.kernel_state as _ks\n_ks.reset()"
RESET_TAG = "render-reset"
#: Thread pools of the numeric libraries, sized to a kernel's share of the cores.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class WarmKernel:
    """One kernel process that runs successive notebooks in `cwd` (with `threads` threads per
    numeric library, if given).

    The constructor only launches the process; the first `execute` waits until it is ready.
    Its client stays connected between runs, bound to the thread that connected it (its
    event loop): a kernel is best driven by one thread.
    """

    def __init__(self, cwd: Path, kernel_name: str = "python3", threads: int | None = None) -> None:
        self.cwd = cwd
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        self.kc = None
        self._thread: int | None = None
        options = [f"--IPKernelApp.exec_lines={WARM_UP!r}", "--IPKernelApp.log_level=ERROR"]
        env = dict(os.environ)
        if threads is not None:  # kernels side by side: BLAS threads would fight for the cores
            env |= {name: str(threads) for name in THREAD_VARIABLES if name not in os.environ}
        run_sync(self.km.start_kernel)(cwd=str(cwd), extra_arguments=options, env=env)

    def execute(
        self, notebook: nbformat.NotebookNode, parameters: dict[str, object], output: Path
    ) -> nbformat.NotebookNode:
        """Reset the kernel, then run the notebook with papermill (parameters injected).

        The executed notebook, also when a cell fails, is written to `output`.
        """
        import papermill

        from analysis.pipeline.warm_engine import ENGINE

        nb = copy.deepcopy(notebook)
        nb.cells.insert(0, new_code_cell(RESET, metadata={"tags": [RESET_TAG]}))
        executed = papermill.execute_notebook(
            nb, str(output), parameters=parameters, progress_bar=False, km=self.km,
            kc=self._client(), kernel_name=self.km.kernel_name, engine_name=ENGINE,
            request_save_on_cell_execute=False,
        )  # fmt: skip
        return without_reset(executed)

    def _client(self):
        """The connected client of this thread, connecting (and waiting for the kernel) once."""
        if self.kc is None or self._thread != threading.get_ident():
            self._disconnect()
            kc = self.km.client()
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=60)
            kc.allow_stdin = False
            self.kc, self._thread = kc, threading.get_ident()
        return self.kc

    def _disconnect(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None

    @staticmethod
    def failed_notebook(output: Path) -> nbformat.NotebookNode | None:
        """The executed notebook papermill saved when a cell failed, without the reset cell."""
        return without_reset(nbformat.read(output, as_version=4)) if output.exists() else None

    def shutdown(self) -> None:
        self._disconnect()
        run_sync(self.km.shutdown_kernel)(now=True)


def without_reset(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without the reset cell the warm kernel ran first."""
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb
