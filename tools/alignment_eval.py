"""How good are the inferred alignments (loaders/linkers/alignment.py)? Measured on the hand-labelled pairs
of tests/data/alignment_pairs.yaml against what the linker would ship on the bundled corpus.

- sweep: precision, recall and F1 of the shipped edges at each threshold (the whole selection is
  rerun per threshold: top-k partners and the lineage rule depend on which pairs pass it).
- cross-validation: the threshold is chosen on the training folds and scored on the held-out
  fold; the held-out counts are summed over the folds. Leave-one-out, and stratified k-fold
  repeated over several shuffles.

The threshold is chosen by F0.5 (precision counts twice as much as recall: a wrong ALIGNS_WITH is
shown to an analyst as evidence, a missing one is only not shown), ties to the higher threshold.
F1 is reported beside it. The labelled pairs are not a sample of all pairs: the false ones are
tempting pairs, and below the shipped threshold the linker ships edges nobody labelled, which the
labelled precision does not see; the sweep shows them (`unlab.`) and the precision of all shipped
edges between counting them all wrong and all right.

Only the threshold is refitted per fold: the weights and factors of AlignConfig were chosen by
looking at the labelled pairs too, so even the cross-validated figures are an upper bound.

    .venv/bin/python -m tools.alignment_eval [--folds 5] [--repeats 20] [--step 0.01]
    .venv/bin/python -m tools.alignment_eval --write-doc   # the figures in docs/cross-plan.md
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from loaders.linkers.alignment import DEFAULT_CONFIG, AlignConfig, Alignment, Unit, score_all, select

PAIRS_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "alignment_pairs.yaml"

Pair = frozenset[str]


def load_pairs(path: Path = PAIRS_FILE) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    return pairs


def key(p: Mapping[str, Any]) -> Pair:
    return frozenset((str(p["a"]), str(p["b"])))


def corpus_units(corpus: Path | None = None) -> list[Unit]:
    """The alignment units of a corpus (the bundled one by default), as the linker builds them."""
    from loaders.corpus import DEFAULT_CORPUS
    from loaders.linkers.cross_plan import alignment_units
    from loaders.pipeline import read_corpus_sources, read_documents

    ctx = read_documents(read_corpus_sources(corpus or DEFAULT_CORPUS))
    units, _ = alignment_units(ctx.inputs, ctx.results, ctx.agencies.book)
    return units


def thresholds(lo: float = 0.15, hi: float = 0.80, step: float = 0.01) -> list[float]:
    n = round((hi - lo) / step)
    return [round(lo + i * step, 4) for i in range(n + 1)]


def linked_by_threshold(
    units: Sequence[Unit], ts: Iterable[float], cfg: AlignConfig = DEFAULT_CONFIG, scored: list[Alignment] | None = None
) -> dict[float, set[Pair]]:
    """The pairs the linker ships at each threshold (scores computed once)."""
    scored = scored if scored is not None else score_all(units, cfg)
    return {t: {frozenset((s.a, s.b)) for s in select(scored, units, replace(cfg, threshold=t))} for t in ts}


@dataclass(frozen=True)
class Counts:
    tp: int
    fp: int
    fn: int
    tn: int

    def __add__(self, o: Counts) -> Counts:
        return Counts(self.tp + o.tp, self.fp + o.fp, self.fn + o.fn, self.tn + o.tn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return self.f(1.0)

    def f(self, beta: float) -> float:
        p, r = self.precision, self.recall
        b2 = beta * beta
        return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0


ZERO = Counts(0, 0, 0, 0)


def counts(linked: set[Pair], pairs: Iterable[Mapping[str, Any]]) -> Counts:
    tp = fp = fn = tn = 0
    for p in pairs:
        hit = key(p) in linked
        if p["label"]:
            tp, fn = tp + hit, fn + (not hit)
        else:
            fp, tn = fp + hit, tn + (not hit)
    return Counts(tp, fp, fn, tn)


@dataclass(frozen=True)
class Row:
    threshold: float
    edges: int  # ALIGNS_WITH edges shipped at this threshold
    counts: Counts


def sweep(linked: Mapping[float, set[Pair]], pairs: Sequence[Mapping[str, Any]]) -> list[Row]:
    return [Row(t, len(linked[t]), counts(linked[t], pairs)) for t in sorted(linked)]


BETA = 0.5


def choose(linked: Mapping[float, set[Pair]], pairs: Sequence[Mapping[str, Any]], beta: float = BETA) -> float:
    """The threshold with the best F-beta on these pairs; ties go to the higher threshold."""
    return max(sorted(linked), key=lambda t: (round(counts(linked[t], pairs).f(beta), 9), t))


def folds(pairs: Sequence[Mapping[str, Any]], k: int, seed: int) -> list[list[int]]:
    """Stratified folds of pair indexes: each label's pairs shuffled (seeded) and dealt round-robin."""
    out: list[list[int]] = [[] for _ in range(k)]
    rng = random.Random(seed)
    dealt = 0
    for label in (True, False):
        idx = [i for i, p in enumerate(pairs) if bool(p["label"]) is label]
        rng.shuffle(idx)
        for i in idx:
            out[dealt % k].append(i)
            dealt += 1
    return [f for f in out if f]


@dataclass(frozen=True)
class CVResult:
    counts: Counts  # held-out counts summed over the folds
    chosen: list[float]  # the threshold chosen in each fold


def cross_validate(
    linked: Mapping[float, set[Pair]], pairs: Sequence[Mapping[str, Any]], k: int, seed: int = 0, beta: float = BETA
) -> CVResult:
    total, chosen = ZERO, []
    for held in folds(pairs, k, seed):
        out = set(held)
        train = [p for i, p in enumerate(pairs) if i not in out]
        t = choose(linked, train, beta)
        chosen.append(t)
        total = total + counts(linked[t], [pairs[i] for i in held])
    return CVResult(total, chosen)


def leave_one_out(
    linked: Mapping[float, set[Pair]], pairs: Sequence[Mapping[str, Any]], beta: float = BETA
) -> CVResult:
    return cross_validate(linked, pairs, k=len(pairs), beta=beta)


def _fmt(c: Counts) -> str:
    return (
        f"precision {c.precision:.2f}, recall {c.recall:.2f}, F0.5 {c.f(0.5):.2f}, F1 {c.f1:.2f} "
        f"(TP {c.tp} FP {c.fp} FN {c.fn} TN {c.tn})"
    )


def _mean_sd(xs: Sequence[float]) -> str:
    m = sum(xs) / len(xs)
    sd = (sum((x - m) ** 2 for x in xs) / max(1, len(xs) - 1)) ** 0.5
    return f"{m:.2f} ± {sd:.2f}"


def report(
    units: Sequence[Unit], pairs: Sequence[Mapping[str, Any]], k: int = 5, repeats: int = 20, step: float = 0.01
) -> str:
    ts = thresholds(step=step)
    linked = linked_by_threshold(units, ts)
    rows = sweep(linked, pairs)
    n_true = sum(1 for p in pairs if p["label"])
    lines = [
        f"{len(pairs)} labelled pairs ({n_true} true, {len(pairs) - n_true} false); "
        f"shipped threshold {DEFAULT_CONFIG.threshold:.2f}",
        "",
        "threshold  edges  unlab.  TP  FP  FN  precision  recall  F0.5    F1  precision of all edges",
    ]
    for r in rows:
        c = r.counts
        unlabelled = r.edges - c.tp - c.fp
        lo, hi = (c.tp / r.edges, (c.tp + unlabelled) / r.edges) if r.edges else (1.0, 1.0)
        mark = "  <- shipped" if abs(r.threshold - DEFAULT_CONFIG.threshold) < 1e-9 else ""
        lines.append(
            f"{r.threshold:9.2f}  {r.edges:5d}  {unlabelled:6d}  {c.tp:2d}  {c.fp:2d}  {c.fn:2d}  "
            f"{c.precision:9.2f}  {c.recall:6.2f}  {c.f(0.5):4.2f}  {c.f1:4.2f}  {lo:.2f}-{hi:.2f}{mark}"
        )
    lines.append("")
    for beta in (BETA, 1.0):
        name = f"F{beta:g}"
        best = choose(linked, pairs, beta)
        lines.append(f"best {name} on all pairs: threshold {best:.2f}: {_fmt(counts(linked[best], pairs))}")
        loo = leave_one_out(linked, pairs, beta)
        lines.append(
            f"  leave-one-out, threshold by {name} on the other {len(pairs) - 1}: {_fmt(loo.counts)}; "
            f"thresholds chosen {min(loo.chosen):.2f}-{max(loo.chosen):.2f}"
        )
        runs = [cross_validate(linked, pairs, k, seed, beta) for seed in range(repeats)]
        lines.append(
            f"  {k}-fold x {repeats} shuffles, threshold by {name} on the training folds: "
            f"precision {_mean_sd([r.counts.precision for r in runs])}, "
            f"recall {_mean_sd([r.counts.recall for r in runs])}, F1 {_mean_sd([r.counts.f1 for r in runs])}; "
            f"thresholds chosen {min(min(r.chosen) for r in runs):.2f}-{max(max(r.chosen) for r in runs):.2f}"
        )
    return "\n".join(lines)


DOC = Path(__file__).resolve().parent.parent / "docs" / "cross-plan.md"
DOC_START, DOC_END = "<!-- alignment-eval:start -->", "<!-- alignment-eval:end -->"


def doc_block(units: Sequence[Unit], pairs: Sequence[Mapping[str, Any]], k: int = 5, repeats: int = 20) -> str:
    """The figures docs/cross-plan.md shows, as markdown (tests/test_alignment.py checks the doc)."""
    shipped = DEFAULT_CONFIG.threshold
    shown = sorted({*thresholds(0.20, 0.50, 0.02), shipped})
    linked = linked_by_threshold(units, thresholds())
    n_true = sum(1 for p in pairs if p["label"])
    out = [
        DOC_START,
        f"Sweep over the {len(pairs)} labelled pairs ({n_true} true, {len(pairs) - n_true} false; "
        "`python -m tools.alignment_eval` prints every threshold from 0.15 to 0.80):",
        "",
        "| threshold | edges shipped | of them unlabelled | TP | FP | FN | precision | recall | F0.5 | F1 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in shown:
        c = counts(linked[t], pairs)
        n = len(linked[t])
        cell = f"**{t:.2f}** (shipped)" if abs(t - shipped) < 1e-9 else f"{t:.2f}"
        out.append(
            f"| {cell} | {n} | {n - c.tp - c.fp} | {c.tp} | {c.fp} | {c.fn} | {c.precision:.2f} | "
            f"{c.recall:.2f} | {c.f(0.5):.2f} | {c.f1:.2f} |"
        )

    def unlabelled(t: float) -> int:
        c = counts(linked[t], pairs)
        return len(linked[t]) - c.tp - c.fp

    best = choose(linked, pairs)
    loo = leave_one_out(linked, pairs)
    runs = [cross_validate(linked, pairs, k, seed) for seed in range(repeats)]
    loo1 = leave_one_out(linked, pairs, 1.0)
    runs1 = [cross_validate(linked, pairs, k, seed, 1.0) for seed in range(repeats)]
    out += [
        "",
        f"- Chosen on all pairs (best F0.5, ties to the higher threshold): **{best:.2f}**, "
        f"precision {counts(linked[best], pairs).precision:.2f}, recall {counts(linked[best], pairs).recall:.2f}.",
        f"- Leave-one-out (threshold chosen by F0.5 on the other {len(pairs) - 1} pairs, each pair scored "
        f"at the threshold chosen without it): precision **{loo.counts.precision:.2f}**, recall "
        f"**{loo.counts.recall:.2f}** (TP {loo.counts.tp}, FP {loo.counts.fp}, FN {loo.counts.fn}); "
        f"thresholds chosen {min(loo.chosen):.2f}-{max(loo.chosen):.2f}.",
        f"- Stratified {k}-fold, {repeats} shuffles: precision {_mean_sd([r.counts.precision for r in runs])}, "
        f"recall {_mean_sd([r.counts.recall for r in runs])}; thresholds chosen "
        f"{min(min(r.chosen) for r in runs):.2f}-{max(max(r.chosen) for r in runs):.2f}.",
        f"- Chosen by F1 instead: leave-one-out precision {loo1.counts.precision:.2f}, recall "
        f"{loo1.counts.recall:.2f}; {k}-fold precision {_mean_sd([r.counts.precision for r in runs1])}, "
        f"recall {_mean_sd([r.counts.recall for r in runs1])}: leave-one-out chose "
        f"{min(loo1.chosen):.2f}-{max(loo1.chosen):.2f}, where the linker also ships "
        f"{min(unlabelled(t) for t in loo1.chosen)}-{max(unlabelled(t) for t in loo1.chosen)} edges "
        "nobody labelled, which that precision does not count.",
        DOC_END,
    ]
    return "\n".join(out)


def doc_section(text: str) -> str:
    """The generated block of a document (markers included); '' when it has none."""
    a, b = text.find(DOC_START), text.find(DOC_END)
    return text[a : b + len(DOC_END)] if 0 <= a < b else ""


def write_doc(units: Sequence[Unit], pairs: Sequence[Mapping[str, Any]], doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    old = doc_section(text)
    if not old:
        raise SystemExit(f"{doc}: no {DOC_START} … {DOC_END} block")
    doc.write_text(text.replace(old, doc_block(units, pairs)), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--step", type=float, default=0.01)
    ap.add_argument("--write-doc", action="store_true", help=f"rewrite the figures in {DOC.name}")
    args = ap.parse_args(argv)
    units, pairs = corpus_units(), load_pairs()
    if args.write_doc:
        write_doc(units, pairs)
        print(f"wrote {DOC}")
        return
    print(report(units, pairs, args.folds, args.repeats, args.step))


if __name__ == "__main__":
    main()
