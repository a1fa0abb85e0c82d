"""The ArcadeDB Bolt server of the tests (tests/bolt_server.py), for the benchmarks: the same
process and protocol, with a JVM heap sized for a thousand plans (the tests' 512 MB holds the five
bundled documents, not 200,000 nodes).

    server = BenchBoltServer(Path(tmp), heap="3g"); server.start(); ...; server.stop()

Run as a script it is tests/bolt_server.py with `--heap`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tests.bolt_server as bolt_server  # noqa: E402
from tests.bolt_server import BoltServer, free_port  # noqa: E402

__all__ = ["BenchBoltServer", "free_port"]


class BenchBoltServer(BoltServer):
    def __init__(self, root: Path, databases: tuple[str, ...] = ("bench",), heap: str = "3g") -> None:
        super().__init__(root, databases=databases, start_timeout=180.0)
        self.heap = heap

    def start(self) -> None:
        # BoltServer.start with this file as the server script (it passes the heap on).
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("the Bolt server is already running")
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--heap",
            self.heap,
            "--root",
            str(self.root),
            "--bolt-port",
            str(self.bolt_port),
            "--http-port",
            str(self.http_port),
            "--password",
            self.password,
        ]
        for db in self.databases:
            cmd += ["--database", db]
        log = self.log_path.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            cmd, cwd=self.root, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True
        )
        log.close()
        self._wait_ready()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None


def rss_mb(pid: int | None) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB, from /proc (0 where unknown)."""
    if pid is None:
        return 0.0, 0.0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0, 0.0
    vals = {}
    for line in status.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            vals[key] = int(rest.split()[0]) / 1024
    return vals.get("VmRSS", 0.0), vals.get("VmHWM", 0.0)


def main(argv: list[str]) -> int:
    heap = "3g"
    if argv[:1] == ["--heap"]:
        heap, argv = argv[1], argv[2:]
    bolt_server.HEAP = heap  # read by tests/bolt_server.py when it starts the JVM
    return bolt_server.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
