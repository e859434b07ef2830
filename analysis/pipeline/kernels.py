"""Warm Jupyter kernels: started once, they execute notebook after notebook with papermill,
their state reset between runs, so kernel start-up and imports are paid once per worker."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import zmq
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import run_sync
from nbformat.v4 import new_code_cell

from analysis.pipeline.zygote import Zygote, thread_environment

#: Run by the kernel as it starts, so imports overlap with whatever the driver does meanwhile.
WARM_UP = ["%matplotlib inline", "import analysis.pipeline.kernel_state as _ks", "_ks.warm_up()"]
RESET = "%reset -f\nimport analysis.pipeline.kernel_state as _ks\n_ks.reset()"
RESET_TAG = "render-reset"
#: A rendering kernel's settings, each sparing work nobody reads (together ~1 ms per cell):
#: * no input history: IPython would write every cell to its SQLite history file from a
#:   thread (~0.1 s of processor time per brief);
#: * its log at the level it prints: traitlets leaves an app's logger at DEBUG and filters in
#:   the handler, so ipykernel would build a debug record of every message it handles;
#: * cells run synchronously (no page awaits at top level): IPython would otherwise compile
#:   each cell a second time to ask whether it must run as a coroutine.
QUIET = [
    "--IPKernelApp.log_level=ERROR",
    "--IPKernelApp.logging_config={'loggers': {'IPKernelApp': {'level': 'ERROR'}}}",
    "--HistoryManager.enabled=False",
    "--InteractiveShell.autoawait=False",
]


class WarmKernel:
    """One kernel process that runs successive notebooks in `cwd` (with `threads` threads per
    numeric library, if given).

    The constructor only launches the process; the first `execute` waits until it is ready.
    Its client stays connected between runs, bound to the thread that connected it (its
    event loop): a kernel is best driven by one thread.
    """

    def __init__(
        self,
        cwd: Path,
        kernel_name: str = "python3",
        threads: int | None = None,
        zygote: Zygote | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.cwd = cwd
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        self.kc = None
        self._thread: int | None = None
        self._zygote = zygote
        self._stopping = threading.Lock()
        self._down = False
        if zygote is not None:  # forked from the zygote, which imported the stack already
            zygote.acquire()
            self.km.kernel_id = str(uuid.uuid4())
            self.km.provisioner = ForkProvisioner(
                kernel_id=self.km.kernel_id, kernel_spec=self.km.kernel_spec, parent=self.km
            )
            self.km.provisioner.zygote = zygote
        options = [f"--IPKernelApp.exec_lines={WARM_UP!r}", *QUIET]
        run_sync(self.km.start_kernel)(
            cwd=str(cwd), extra_arguments=options,
            env=thread_environment(threads) | dict(environment or {}),
        )  # fmt: skip

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
            # The kernel binds its ports only once it runs: retry connecting every 10 ms, not
            # ZeroMQ's default 100 ms, so the first brief does not wait for a retry.
            kc.context.setsockopt(zmq.RECONNECT_IVL, 10)
            kc.start_channels()
            run_sync(ready)(kc, timeout=60)
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
        """Stop the kernel; its process is gone on return. Once it is, again does nothing."""
        with self._stopping:
            if self._down:
                return
            self._disconnect()
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
                self._down = True
            finally:
                if self._zygote is not None:
                    self._zygote.release()
                    self._zygote = None


async def ready(kc, timeout: float) -> None:
    """Wait until the kernel answers on its shell channel and its IOPub stream reaches `kc`: what
    jupyter_client's `wait_for_ready` checks, without the 0.2 s it then waits for IOPub to fall
    quiet (papermill passes over messages that answer other requests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kc.kernel_info()
        try:
            reply = await kc.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await kc.iopub_channel.get_msg(timeout=0.2)
                return
            except Empty:
                continue  # IOPub not connected yet: ask again
        if not await kc.is_alive():
            raise RuntimeError("the kernel died before it answered")
    raise RuntimeError(f"the kernel did not answer in {timeout:.0f} s")


def without_reset(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without the reset cell the warm kernel ran first."""
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


class _Forked:
    """A forked kernel as `subprocess.Popen` would present it to jupyter_client. It is the
    zygote's child, not ours: liveness is a signal 0 probe, and the zygote's system reaps it."""

    stdin = stdout = stderr = None

    def __init__(self, pid: Future[int]) -> None:
        self._pid = pid
        self.returncode: int | None = None

    @property
    def pid(self) -> int:
        return self._pid.result(timeout=120)

    def poll(self) -> int | None:
        if self.returncode is None:
            if not self._pid.done():
                return None
            if self._pid.exception() is not None:
                self.returncode = 1
                return self.returncode
            try:
                os.kill(self._pid.result(), 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching by a fork of the zygote (set `zygote`
    before the kernel starts). Its kernel leads its own process group, as a launched one."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        if self.zygote is None or not self.zygote.accepts(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or Path.cwd())
        self.process = _Forked(self.zygote.spawn(cmd, env, cwd))
        self.pid = self.pgid = None  # known once the zygote answers; signals go to the process
        self.cwd = cwd
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel's group, then wait in 5 ms steps (at most 1 s) until it is gone, so
        the manager's own check, polling every 0.1 s, finds it ended at once."""
        await super().kill(restart)
        deadline = time.monotonic() + 1.0
        while self.process is not None and self.process.poll() is None:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.005)

    async def send_signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signum)  # the kernel's own group (setsid)
            except OSError:
                self.process.send_signal(signum)
