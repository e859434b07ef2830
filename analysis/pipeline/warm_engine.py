"""papermill's nbclient engine on a kernel client that stays connected between notebooks, so
a warm kernel's next run skips connecting and waiting for the kernel to be ready."""

from __future__ import annotations

from jupyter_client.client import KernelClient
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import remove_args

ENGINE = "warm-kernel"


class _ConnectedClient(PapermillNotebookClient):
    """papermill's notebook client on a client that is already connected (kept after)."""

    def __init__(self, nb_man, kc: KernelClient, **kw) -> None:
        super().__init__(nb_man, **kw)
        self.kc = kc  # nbclient then neither connects a new client nor closes this one


class WarmEngine(NBClientEngine):
    """As papermill's default engine, given the connected client as `kc`."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
        start_timeout=60, execution_timeout=None, **kwargs,
    ):  # fmt: skip
        """Execute the parameterized notebook on the kernel behind `kwargs["kc"]`."""
        kc = kwargs.pop("kc")
        timeout = execution_timeout or kwargs.get("timeout")
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = _ConnectedClient(
            nb_man, kc, timeout=timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
            log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
            **kwargs,
        )  # fmt: skip
        return client.execute()


papermill_engines.register(ENGINE, WarmEngine)
