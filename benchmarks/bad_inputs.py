"""Load every broken document (tools/gen_bad_inputs.py) one by one through GraphService.reload and
print what happened to each: refused (with its one-line message) or loaded (with its warnings), how
long it took and the peak memory, and whether the service behaved (the served graph kept on a
refusal, the good neighbour untouched, no markup in titles, no exception).

    .venv/bin/python benchmarks/bad_inputs.py [--small] [--only NAME,...] [--timeout S]

Each case runs in its own process with a time limit, so a case that crashes or hangs the loader is
reported as such and the run still finishes. Big cases (50 MB, a million marker lines) are built at
full size unless --small.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.gen_bad_inputs import CASES, Case, Outcome, run_case  # noqa: E402


def _child(name: str, work: str, scale: int, q: Any) -> None:
    c = next(c for c in CASES if c.name == name)
    try:
        out = run_case(c, Path(work), scale)
    except BaseException as exc:  # recorded, not raised: the table shows it
        out = Outcome(name, "crashed", message=f"{type(exc).__name__}: {exc}"[:300], problems=["the runner raised"])
    # VmHWM, not ru_maxrss: Linux carries the parent's peak across the spawn's exec.
    status = Path("/proc/self/status").read_text().splitlines()
    hwm = next((int(s.split()[1]) / 1024 for s in status if s.startswith("VmHWM:")), None)
    peak_mb = hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    q.put((out, peak_mb))


def run_isolated(c: Case, work: Path, scale: int, timeout: float) -> tuple[Outcome, float]:
    ctx = mp.get_context("spawn")  # a fresh interpreter: peak memory is this case's
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(c.name, str(work), scale, q))
    t0 = time.perf_counter()
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.terminate()  # our own child, by its handle
        p.join(10)
        return Outcome(c.name, "hung", message=f"no answer within {timeout:.0f} s", problems=["timeout"]), 0.0
    if q.empty():
        code = p.exitcode
        return Outcome(c.name, "crashed", message=f"the process died (exit code {code})", problems=["crash"]), 0.0
    out, peak = q.get()
    if out.seconds == 0.0:
        out.seconds = time.perf_counter() - t0
    return out, peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--small", action="store_true", help="build big cases at the tests' reduced size")
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per case (default 300)")
    args = ap.parse_args(argv)
    wanted = [c for c in CASES if not args.only or c.name in args.only.split(",")]
    print(f"{len(wanted)} cases; each loaded after a good document through GraphService.reload\n")
    head = f"{'case':<26}{'expected':<9}{'result':<10}{'s':>7}{'MB':>7}  message / warnings"
    print(head)
    print("-" * len(head))
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bad-inputs-") as tmp:
        for c in wanted:
            scale = c.test_scale if args.small else c.scale
            out, peak = run_isolated(c, Path(tmp), scale, args.timeout)
            detail = out.message if out.outcome != "loaded" else ", ".join(f"{k}×{v}" for k, v in out.warnings.items())
            if out.outcome == "loaded":
                detail = f"{out.nodes} nodes; " + (detail or "no warnings")
            ok = not out.problems
            failures += not ok
            mark = "" if ok else "   !! " + "; ".join(out.problems)
            print(f"{c.name:<26}{c.expect:<9}{out.outcome:<10}{out.seconds:>7.2f}{peak:>7.0f}  {detail[:150]}{mark}")
            sys.stdout.flush()
    print(f"\n{len(wanted) - failures} of {len(wanted)} cases handled as expected")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
