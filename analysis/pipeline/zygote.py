"""Warm kernels forked from one process that imported the analysis stack once.

Every kernel process would import IPython, pandas, matplotlib, scipy and the analysis package
(about 2.5 s of processor time each). Instead one *zygote* process imports them and forks a
kernel per request: the children share the imported modules and start in milliseconds. The
render driver asks for kernels through `ForkProvisioner`, a jupyter_client provisioner that
launches by asking the zygote instead of starting a new interpreter.

Run as `python -m analysis.pipeline.zygote`: it reads one JSON request per line on standard
input (`argv`, `env`, `cwd` of a kernel command), answers each with the forked kernel's process
id, and exits when its input closes. It starts no thread and opens no socket before forking,
so each child is a clean copy. A forked kernel watches the zygote as its parent and exits when
the zygote does, which the zygote does when its input closes: after the driver's last kernel
shut down, or when the driver died.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import threading
import traceback
from concurrent.futures import Future
from pathlib import Path
from typing import Any

#: How a kernel spec's command must start for the zygote to stand in for it.
LAUNCHER = ["-m", "ipykernel_launcher"]
#: Thread pools of the numeric libraries, sized to a kernel's share of the cores (read when the
#: libraries load: in the zygote, for every kernel forked from it).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def thread_environment(threads: int | None) -> dict[str, str]:
    """This process's environment, with `threads` threads per numeric library (kernels side by
    side: BLAS threads would fight for the cores) unless the user set them."""
    env = dict(os.environ)
    if threads is not None:
        env |= {name: str(threads) for name in THREAD_VARIABLES if name not in os.environ}
    return env


class Zygote:
    """The driver's handle on a zygote process: request kernels, learn their process ids."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "analysis.pipeline.zygote"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
        )  # fmt: skip
        self._pending: list[Future[int]] = []
        self._lock = threading.Lock()
        self._users = 1  # the creator's: released once its kernels hold the zygote
        self._asked = False  # whether a kernel was ever requested
        threading.Thread(target=self._answers, daemon=True).start()

    def acquire(self) -> None:
        """One more kernel relies on the zygote: it must outlive them all (a forked kernel exits
        when its parent, the zygote, does: that is how kernels end if the driver dies)."""
        with self._lock:
            self._users += 1

    def release(self) -> None:
        """A kernel has shut down; the last one closes the zygote."""
        with self._lock:
            self._users -= 1
            last = self._users <= 0
        if last:
            self.close()

    def accepts(self, argv: list[str]) -> bool:
        """Whether `argv` is an ipykernel command of this interpreter (what a fork replaces)."""
        return (
            len(argv) > 2
            and argv[1:3] == LAUNCHER
            and Path(argv[0]).resolve() == Path(sys.executable).resolve()
        )

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str) -> Future[int]:
        """Ask for a kernel running `argv`; the future gives its process id (the zygote answers
        once its imports are done)."""
        future: Future[int] = Future()
        request = {"argv": ["ipykernel_launcher", *argv[3:]], "env": env, "cwd": cwd}
        with self._lock:
            self._pending.append(future)
            self._asked = True
            try:
                self.process.stdin.write(json.dumps(request) + "\n")
                self.process.stdin.flush()
            except OSError as exc:
                self._pending.remove(future)
                future.set_exception(RuntimeError(f"the kernel zygote is gone: {exc}"))
        return future

    def close(self) -> None:
        """No more requests: the zygote exits (and with it any kernel it forked that is still
        running). One that never forked a kernel is stopped at once, mid-import."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        if not self._asked:
            self.process.kill()

    def _answers(self) -> None:
        for line in self.process.stdout:
            with self._lock:
                future = self._pending.pop(0) if self._pending else None
            if future is not None:
                future.set_result(int(json.loads(line)["pid"]))
        self.process.wait()
        with self._lock:
            pending, self._pending = self._pending, []
        for future in pending:
            code = self.process.returncode
            future.set_exception(RuntimeError(f"the kernel zygote exited with status {code}"))


# -- the zygote process ---------------------------------------------------------------------------


def serve() -> None:
    """Import the kernel's stack, then fork a kernel for each request on standard input."""
    gc.disable()  # while importing: see `kernel_state.warm_up`
    # A rendering kernel is never debugged: without debugpy (which ipykernel treats as not
    # installed) the zygote skips importing pydevd, and each kernel its debugger's start-up.
    sys.modules.setdefault("debugpy", None)
    import ipykernel.debugger  # noqa: F401  (imported as a kernel starts: once here)
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401  (what every kernel imports first)
    import matplotlib_inline.backend_inline  # noqa: F401  (`%matplotlib inline`)

    from analysis.pipeline import kernel_state

    kernel_state.warm_up()
    gc.enable()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_kernel(request)
        sys.stdout.write(json.dumps({"pid": pid}) + "\n")
        sys.stdout.flush()


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: become the kernel `request` describes; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel ends when the zygote does
        sys.argv = list(request["argv"])
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


if __name__ == "__main__":
    serve()
