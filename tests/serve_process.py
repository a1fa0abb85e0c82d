"""A real `policygraph serve` process for tests: started on a free port with an environment of its
own (none of the caller's POLICYGRAPH_* / NEO4J_* settings leak in), its output in a log file, and
stopped however the test ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.bolt_server import free_port

ROOT = Path(__file__).resolve().parent.parent


def policygraph() -> list[str]:
    """The console script of the interpreter running the tests (or the module, where no script is)."""
    script = Path(sys.executable).with_name("policygraph")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from app.cli import main; main()"]


@dataclass
class ServeProcess:
    proc: subprocess.Popen[bytes]
    base: str
    log: Path

    def output(self, tail: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-tail:]

    def wait_until_ok(self, seconds: float) -> None:
        """Until /health says ok; AssertionError with the server's output if it exits or takes longer."""
        deadline = time.monotonic() + seconds
        while True:
            assert self.proc.poll() is None, f"policygraph serve exited with {self.proc.returncode}:\n{self.output()}"
            assert time.monotonic() < deadline, f"no graph served within {seconds:.0f} s:\n{self.output()}"
            try:
                if httpx.get(f"{self.base}/health", timeout=5).json().get("status") == "ok":
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


def start_serve(tmp: Path, *args: str, **env: str) -> ServeProcess:
    """`policygraph serve --port P ARGS` with a history database under `tmp` and `env` added."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYGRAPH_", "NEO4J_"))}
    # The code under test is this checkout's, whatever the installed package points at.
    environ.update(PYTHONPATH=str(ROOT), POLICYGRAPH_HISTORY_DB=str(tmp / "history.sqlite"), **env)
    log = tmp / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*policygraph(), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return ServeProcess(proc, f"http://127.0.0.1:{port}", log)


@contextmanager
def serving(tmp: Path, start_seconds: float, *args: str, **env: str) -> Iterator[ServeProcess]:
    """A server with its graph loaded (/health ok), stopped on exit."""
    server = start_serve(tmp, *args, **env)
    try:
        server.wait_until_ok(start_seconds)
        yield server
    finally:
        server.stop()
