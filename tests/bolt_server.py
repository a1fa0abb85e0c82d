"""A real Bolt server for the tests: ArcadeDB (`arcadedb-embedded`) in a subprocess.

Neo4j cannot be installed here; ArcadeDB's Bolt plugin speaks the same protocol to the official
neo4j driver (see docs/bolt-test-server.md). The server runs in its own process with its
own working directory because ArcadeDB writes ./log/ there, and because tests must be able to kill
it (SIGKILL) and restart it on the same data directory and ports.

Run as a script (what BoltServer does):
    python tests/bolt_server.py --root DIR --bolt-port B --http-port H --password PW --database NAME
It prints READY when the databases exist and stops cleanly (server.stop()) on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

READY = "READY"
# The JVM would otherwise take 4 GB of heap on a machine shared by several test runs.
HEAP = "512m"


def free_port() -> int:
    """A TCP port free right now on 127.0.0.1 (chosen by the kernel)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class BoltServer:
    """One ArcadeDB server process with a Bolt listener; restartable on the same data and ports."""

    def __init__(
        self,
        root: Path,
        databases: tuple[str, ...] = ("policygraph",),
        password: str = "policygraph-test",
        start_timeout: float = 120.0,
    ) -> None:
        self.root = root
        self.databases = databases
        self.user = "root"
        self.password = password
        self.bolt_port = free_port()
        self.http_port = free_port()
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[str] | None = None
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def log_path(self) -> Path:
        return self.root / "server-output.log"

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("the Bolt server is already running")
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
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

    def _wait_ready(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        found = threading.Event()
        out = self.proc.stdout

        def watch() -> None:
            for line in out:
                if line.strip() == READY:
                    found.set()
            # stdout closed: the process ended (or was killed)

        threading.Thread(target=watch, daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if found.wait(0.2) and _port_open(self.bolt_port):
                return
            if self.proc.poll() is not None:
                break
        tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        self.kill()
        raise RuntimeError(f"the ArcadeDB Bolt server did not start; its log ends with:\n{tail}")

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM: the server process calls server.stop() and exits."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL, as a crash would: no clean shutdown."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
        self.proc = None

    def restart(self) -> None:
        """Start again on the same data directory and ports."""
        self.stop()
        deadline = time.monotonic() + 30
        while _port_open(self.bolt_port) and time.monotonic() < deadline:
            time.sleep(0.2)
        self.start()


def _serve(args: argparse.Namespace) -> int:
    os.chdir(args.root)  # ArcadeDB writes ./log/ under the working directory
    from arcadedb_embedded.server import ArcadeDBServer

    server = ArcadeDBServer(
        root_path=str(Path(args.root) / "databases"),
        root_password=args.password,
        config={
            "http_port": args.http_port,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": args.bolt_port,
        },
        jvm_kwargs={"heap_size": HEAP},
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    try:
        for name in args.database:
            server.create_database(name)
        print(READY, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        # Stopping the server (not tearing down the JVM some other way) avoids crashes inside JPype.
        server.stop()
    # The databases are closed now. Leave without the interpreter's JVM shutdown: it waits for
    # every non-daemon Java thread, and threads serving clients that never closed their
    # connections would keep the process alive.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--root", required=True)
    p.add_argument("--bolt-port", type=int, required=True)
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--database", action="append", default=[])
    return _serve(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
