"""Broken documents, the way PDF conversion and careless hands break them, and what the service must
do with each: load it with warnings, or refuse it with one line naming the file (and the line).

    .venv/bin/python tools/gen_bad_inputs.py [--out tests/data/bad_inputs]

writes every small case as a file plus cases.yaml (what each case is and what is expected); the big
cases (50 MB, a million marker lines) are only generated at run time, never written to the
repository (benchmarks/bad_inputs.py builds them at full size, tests/test_bad_inputs.py at a reduced
size). Every case is derived from a generated S&T-plan document (tools/gen_corpus.py), so a case that
loads can be compared with a clean load of the same text.

`run_case` loads one case the way the service does (GraphService.reload on a corpus holding a good
document and the bad one, after a good load) and reports what happened: shared by the benchmark
script and the tests.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

from tools.gen_corpus import PROFILE, generate_plan, render_plan  # noqa: E402

BASE_SEED = 4242
DEFAULT_OUT = ROOT / "tests" / "data" / "bad_inputs"
GOOD_ID = "good"
BAD_ID = "bad-input"
GOOD_FILE = "good.txt"

# "either": refusing and loading with warnings would both be right (no case needs it today).
Expect = Literal["reject", "load", "either"]


@dataclass(frozen=True)
class Built:
    data: bytes
    # The line the problem is on, where it has one (a refusal must name it).
    line: int | None = None


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    expect: Expect
    build: Callable[[int], Built]
    # reject: a phrase the one-line message must contain.
    message: str | None = None
    # load: warning codes that must be among the load's warnings for the bad document.
    warnings: tuple[str, ...] = ()
    # Generated at run time only (too big for the repository); `scale` is its size in the script.
    big: bool = False
    scale: int = 1
    test_scale: int = 1
    # The case is the manifest, not a document (the manifest entry is written by `manifest`).
    manifest: Callable[[str], str] | None = None
    # load: the document has the same tree as the clean text (artefacts that change nothing).
    same_tree: bool = False
    # load: the same number of nodes of each kind as the clean text (titles may differ).
    same_shape: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.txt"


# --- the clean document the cases break ------------------------------------------------------------
def clean_text(index: int = 1) -> str:
    """A generated S&T-plan document (index 0 is the good neighbour, index 1 the base of the cases)."""
    return render_plan(generate_plan(BASE_SEED, index), BASE_SEED).text


def _lines() -> list[str]:
    return clean_text().split("\n")


def _find(lines: list[str], prefix: str, start: int = 0) -> int:
    """0-based index of the first heading starting with `prefix` at or after `start` (TOC lines,
    which end in a tab and a page number, are not headings)."""
    return next(i for i in range(start, len(lines)) if lines[i].startswith(prefix) and "\t" not in lines[i])


def _tree(lines: list[str]) -> tuple[int, int]:
    """0-based [start, end) of 肆's body (after its heading, before 伍)."""
    s = _find(lines, "肆、策略與重要措施")
    return s + 1, _find(lines, "伍、", s)


def _table(lines: list[str]) -> tuple[int, int]:
    s = _find(lines, "表 4")
    return s + 1, _find(lines, "陸、", s)


def _utf8(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def _first_non_ascii_line(lines: list[str]) -> int:
    return next(i for i, s in enumerate(lines, 1) if any(ord(c) > 127 for c in s))


# --- builders -----------------------------------------------------------------------------------------
def b_empty(_: int) -> Built:
    return Built(b"")


def b_blank(_: int) -> Built:
    return Built(b"\n  \n\t\n\r\n")


def b_binary(_: int) -> Built:
    return Built(random.Random(1).randbytes(4096) + b"\x00")


def b_png(_: int) -> Built:
    return Built(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(2).randbytes(2048))


def b_utf16(_: int) -> Built:
    return Built(clean_text().encode("utf-16"))


def b_big5(_: int) -> Built:
    lines = _lines()
    return Built("\n".join(lines).encode("big5", errors="replace"), _first_non_ascii_line(lines))


def b_gb18030(_: int) -> Built:
    lines = _lines()
    return Built("\n".join(lines).encode("gb18030"), _first_non_ascii_line(lines))


def b_latin1(_: int) -> Built:
    text = "Plan de développement\n\nÉtat des lieux: réalisé\n"
    return Built(text.encode("latin-1"), 1)


def b_mixed_encodings(_: int) -> Built:
    lines = _lines()
    a, _b = _tree(lines)
    k = a + 3  # a line of 肆 pasted from a Big5 file
    data = _utf8(lines[:k]) + b"\n" + lines[k].encode("big5", errors="replace") + b"\n" + _utf8(lines[k + 1 :])
    return Built(data, k + 1)


def b_truncated_mid_char(_: int) -> Built:
    """The file ends half-way through a character, in the middle of 表4."""
    lines = _lines()
    a, b = _table(lines)
    k = (a + b) // 2
    raw = lines[k].encode()
    lead = max(j for j, byte in enumerate(raw) if byte >= 0xC0)  # last multi-byte character
    return Built(_utf8(lines[:k]) + b"\n" + raw[: lead + 1], k + 1)


def b_truncated_mid_table(_: int) -> Built:
    lines = _lines()
    a, b = _table(lines)
    cut = a + (b - a) // 2
    return Built(_utf8(lines[:cut]) + b"\n" + lines[cut][: len(lines[cut]) // 2].encode())


def b_truncated_mid_tree(_: int) -> Built:
    lines = _lines()
    a, b = _tree(lines)
    return Built(_utf8(lines[: (a + b) // 2]))


def b_control(_: int) -> Built:
    lines = _lines()
    k = _tree(lines)[0] + 1
    lines[k] = lines[k][:4] + "\x07" + lines[k][4:]
    return Built(_utf8(lines), k + 1)


def b_nul_late(_: int) -> Built:
    """A NUL byte after the first 64 KiB (where a binary sniff does not look)."""
    lines = _lines()
    k = _find(lines, "貳、") + 1
    filler = ["透過跨部會合作，逐年檢討推動成效並滾動修正。" * 4] * 300  # 79 KB: past 64 KiB
    lines = lines[:k] + filler + lines[k:]
    j = _tree(lines)[0] + 1
    lines[j] = lines[j] + "\x00"
    return Built(_utf8(lines), j + 1)


def b_invalid_utf8(_: int) -> Built:
    lines = _lines()
    k = _tree(lines)[0] + 1
    raw = [s.encode() for s in lines]
    raw[k] = raw[k] + b"\xed\xa0\x80"  # an encoded surrogate: invalid UTF-8
    return Built(b"\n".join(raw), k + 1)


def b_overlong(_: int) -> Built:
    lines = _lines()
    k = _tree(lines)[0] + 1
    raw = [s.encode() for s in lines]
    raw[k] = b"\xc0\xaf" + raw[k]  # overlong '/'
    return Built(b"\n".join(raw), k + 1)


def b_bom(_: int) -> Built:
    return Built(b"\xef\xbb\xbf" + clean_text().encode())


def b_crlf(_: int) -> Built:
    return Built(clean_text().replace("\n", "\r\n").encode())


def b_cr(_: int) -> Built:
    return Built(clean_text().replace("\n", "\r").encode())


def b_mixed_newlines(_: int) -> Built:
    lines = _lines()
    rng = random.Random(3)
    out = []
    for i, s in enumerate(lines[:-1]):
        # A lone CR before an empty line followed by LF would read as one CRLF: not a mix of ends.
        seps = ["\n", "\r\n"] + (["\r"] if lines[i + 1] else [])
        out.append(s + rng.choice(seps))
    return Built("".join(out).encode() + lines[-1].encode())


def b_only_toc(_: int) -> Built:
    lines = _lines()
    a = _find(lines, "目 錄")
    b = _find(lines, "壹、")
    return Built(_utf8(lines[a:b]))


def b_title_only(_: int) -> Built:
    return Built(_utf8(_lines()[:4]))


def b_empty_tree(_: int) -> Built:
    lines = _lines()
    a, b = _tree(lines)
    return Built(_utf8([*lines[:a], "", *lines[b:]]), line=a)  # refused at the 肆 heading (line a)


def b_shuffled(_: int) -> Built:
    lines = _lines()
    a, b = _tree(lines)
    body = lines[a:b]
    random.Random(7).shuffle(body)
    return Built(_utf8(lines[:a] + body + lines[b:]))


def b_random_markers(_: int) -> Built:
    """Markers of every level with random numbers, in random order."""
    rng = random.Random(11)
    lines = _lines()
    a, b = _tree(lines)
    cn = "一二三四五六七八九"
    makers = [
        lambda: f"目標{rng.choice(cn)}：推動隨機目標",
        lambda: f"{rng.choice(cn)}、隨機子目標",
        lambda: f"({rng.choice(cn)}) 策略{rng.choice(cn)}、隨機策略",
        lambda: f"{rng.randint(1, 9)}. 隨機措施",
        lambda: f"({rng.randint(1, 9)}) 隨機行動",
    ]
    body = [rng.choice(makers)() for _ in range(200)]
    return Built(_utf8([*lines[:a], "", *body, "", *lines[b:]]))


def b_duplicated_goals(_: int) -> Built:
    lines = _lines()
    a, b = _tree(lines)
    body = lines[a:b]
    first_goal = next(i for i, s in enumerate(body) if s.startswith("目標一"))
    # The copy starts at 0-based index b: its 目標一 breaks the numbering there.
    return Built(_utf8(lines[:b] + body + lines[b:]), b + first_goal + 1)


def b_duplicated_section(_: int) -> Built:
    """肆 and 伍 (with 表4) printed twice, as a conversion that emitted two copies of the pages."""
    lines = _lines()
    a = _find(lines, "肆、")
    c = _find(lines, "陸、")
    return Built(_utf8(lines[:c] + lines[a:c] + lines[c:]))


def b_unknown_agencies(_: int) -> Built:
    lines = _lines()
    a, b = _table(lines)
    fake = ["火星部", "木星委員會", "土星署", "冥王星研究院", "海王星局"]
    rng = random.Random(5)
    for i in range(a, b):
        cells = lines[i].split("\t")
        if len(cells) >= 5 and cells[4].strip():
            names = rng.sample(fake, 3)
            cells[4] = f"{names[0]}／{names[1]}、{names[2]}"
            lines[i] = "\t".join(cells)
    return Built(_utf8(lines))


def b_no_table(_: int) -> Built:
    lines = _lines()
    a, b = _table(lines)
    return Built(_utf8(lines[: a - 1] + lines[b:]))


def b_header_rows_only(_: int) -> Built:
    lines = _lines()
    a, b = _table(lines)
    return Built(_utf8(lines[:a] + ["目標\t子目標\t策略\t措施\t參與部會"] * 5 + lines[b:]))


def b_empty_agency_cells(_: int) -> Built:
    lines = _lines()
    a, b = _table(lines)
    for i in range(a, b):
        cells = lines[i].split("\t")
        if len(cells) >= 5:
            cells[4] = ""
            lines[i] = "\t".join(cells)
    return Built(_utf8(lines))


def b_html_script(_: int) -> Built:
    lines = _lines()
    a, b = _tree(lines)
    for i in range(a, b):
        s = lines[i]
        if s.startswith("目標") and "：" in s:
            lines[i] = s.replace("：", "：<script>alert('x')</script>", 1)
        elif s[:2] in ("1.", "2."):
            lines[i] = s[:3] + '<img src=x onerror="alert(1)">' + s[3:]
    return Built(_utf8(lines))


def b_deep_nesting(n: int) -> Built:
    """Brackets and tags nested thousands deep, on marker-like lines inside 肆."""
    lines = _lines()
    a, _b = _tree(lines)
    k = next(i for i in range(a, len(lines)) if lines[i].startswith(("1.", "1．", "- 1.")))
    deep = ["(" * n + "1" + ")" * n + " 巢狀標記", "<p>" * n + "巢狀段落" + "</p>" * n, "（" * n + "一" + "）" * n]
    return Built(_utf8(lines[: k + 1] + deep + lines[k + 1 :]))


def b_long_line(n: int) -> Built:
    """One measure title of n characters (a page or table flattened into one line)."""
    lines = _lines()
    a, _b = _tree(lines)
    k = next(i for i in range(a, len(lines)) if lines[i].startswith(("1.", "1．")))
    lines[k] = lines[k] + "超長標題" * (n // 4)
    return Built(_utf8(lines), k + 1)


def b_huge_agency_cell(n: int) -> Built:
    """One 參與部會 cell naming n distinct (unknown) agencies."""
    lines = _lines()
    a, b = _table(lines)
    i = next(i for i in range(a, b) if len(lines[i].split("\t")) >= 5 and lines[i].split("\t")[4])
    cells = lines[i].split("\t")
    digits = str.maketrans("0123456789", "零一二三四五六七八九")  # CJK only: names, not text
    cells[4] = "國科會／" + "、".join(f"第{str(k).translate(digits)}號委員會" for k in range(n))
    lines[i] = "\t".join(cells)
    return Built(_utf8(lines))


def b_invisible(_: int) -> Built:
    lines = _lines()
    a, b = _tree(lines)
    for i in range(a, b):
        if lines[i].startswith("目標"):
            lines[i] = lines[i][:5] + "\u200b\u202e" + lines[i][5:]
    return Built(_utf8(lines))


def b_astral(_: int) -> Built:
    lines = _lines()
    a, b = _tree(lines)
    for i in range(a, b):
        if lines[i].startswith(("1.", "1．")):
            lines[i] = lines[i] + "𠀀🚀"
    return Built(_utf8(lines))


def b_fullwidth_digits(_: int) -> Built:
    lines = _lines()
    a, b = _tree(lines)
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    for i in range(a, b):
        s = lines[i]
        if s[:1].isdigit() and s[1:2] in (".", "．"):
            lines[i] = s[:1].translate(fw) + "．" + s[2:]
    return Built(_utf8(lines), None)


def b_big_prose(mb: int) -> Built:
    return b_fifty_mb(mb)


def b_fifty_mb(mb: int) -> Built:
    """`mb` MB: the document with page after page of prose appended to its last section."""
    lines = _lines()
    para = "本計畫所需經費由各部會於年度預算額度內編列支應，並依執行情形滾動檢討。" * 3
    size = len(para.encode()) + 1
    filler = [para] * (mb * 1_000_000 // size)
    return Built(_utf8(lines + filler))


def b_million_markers(n: int) -> Built:
    """n lines of the same measure marker inside 肆 (a conversion loop)."""
    lines = _lines()
    a, _b = _tree(lines)
    k = next(i for i in range(a, len(lines)) if lines[i].startswith(("1.", "1．", "- 1.")))
    return Built(_utf8(lines[: k + 1] + ["1. 推動"] * n + lines[k + 1 :]))


def b_directory(_: int) -> Built:
    return Built(b"")  # written as a directory by the runner


def b_clean(_: int) -> Built:
    return Built(clean_text().encode())


# Manifests that break on their own.
def m_missing_file(entry: str) -> str:
    return entry.replace("file: bad_missing_file.txt", "file: no_such_file.txt")


def m_bad_yaml(entry: str) -> str:
    return entry + "  - id: [unclosed\n"


def m_unknown_profile(entry: str) -> str:
    head, _sep, tail = entry.rpartition(f"profile: {PROFILE}")  # the bad document's entry only
    return head + "profile: no_such_profile" + tail


CASES: list[Case] = [
    Case("bad_empty", "an empty file", "reject", b_empty, "empty"),
    Case("bad_blank", "blank lines only", "reject", b_blank, "empty"),
    Case("bad_binary", "random bytes", "reject", b_binary, "binary"),
    Case("bad_png", "a PNG image named .txt", "reject", b_png, "binary"),
    Case("bad_utf16", "UTF-16 with a BOM", "reject", b_utf16, "UTF-16"),
    Case("bad_big5", "Big5-encoded", "reject", b_big5, "not UTF-8"),
    Case("bad_gb18030", "GB18030-encoded", "reject", b_gb18030, "not UTF-8"),
    Case("bad_latin1", "Latin-1 text", "reject", b_latin1, "not UTF-8"),
    Case("bad_mixed_encodings", "one Big5 line inside UTF-8", "reject", b_mixed_encodings, "not UTF-8"),
    Case("bad_truncated_mid_char", "cut inside a UTF-8 character", "reject", b_truncated_mid_char, "not UTF-8"),
    Case("bad_invalid_utf8", "an encoded surrogate", "reject", b_invalid_utf8, "not UTF-8"),
    Case("bad_overlong_utf8", "an overlong UTF-8 sequence", "reject", b_overlong, "not UTF-8"),
    Case("bad_control_char", "a BEL character in a title", "reject", b_control, "control character U+0007"),
    Case("bad_nul_late", "a NUL byte after the first 64 KiB", "reject", b_nul_late, "control character U+0000"),
    Case("bad_only_toc", "only the table of contents", "reject", b_only_toc, "section that holds the plan tree"),
    Case("bad_title_only", "only the title lines", "reject", b_title_only, "section that holds the plan tree"),
    Case("bad_shuffled", "the lines of 肆 shuffled", "reject", b_shuffled, "out of order"),
    Case("bad_random_markers", "markers of every level in random order", "reject", b_random_markers, "out of order"),
    Case("bad_duplicated_goals", "肆's goals printed twice", "reject", b_duplicated_goals, "out of order"),
    Case(
        "bad_million_markers",
        "a million lines of one marker",
        "reject",
        b_million_markers,
        "items",
        big=True,
        scale=1_000_000,
        test_scale=60_000,
    ),
    # Over the size limit (core/source.py): refused before it is read. test_scale: just over it.
    Case("bad_fifty_mb", "50 MB", "reject", b_fifty_mb, "MiB; documents over", big=True, scale=50, test_scale=34),
    Case(
        "bad_big_prose",
        "8 MB: pages of prose after the plan",
        "load",
        b_big_prose,
        big=True,
        scale=8,
        test_scale=2,
        same_tree=True,
    ),
    Case(
        "bad_truncated_mid_table",
        "cut in the middle of 表4",
        "load",
        b_truncated_mid_table,
        warnings=("no-responsibility",),
    ),
    Case(
        "bad_truncated_mid_tree",
        "cut in the middle of 肆",
        "load",
        b_truncated_mid_tree,
        warnings=("no-responsibility",),
    ),
    Case("bad_no_table", "表4 missing", "load", b_no_table, warnings=("no-responsibility",), same_tree=True),
    Case(
        "bad_header_rows_only",
        "表4 of header rows only",
        "load",
        b_header_rows_only,
        warnings=("no-responsibility",),
        same_tree=True,
    ),
    Case(
        "bad_empty_agency_cells",
        "every 參與部會 cell empty",
        "load",
        b_empty_agency_cells,
        warnings=("no-responsibility",),
        same_tree=True,
    ),
    Case(
        "bad_unknown_agencies",
        "every agency unknown",
        "load",
        b_unknown_agencies,
        warnings=("unknown-agency",),
        same_tree=True,
    ),
    Case("bad_empty_tree", "肆 with no items (表4 kept)", "reject", b_empty_tree, "the plan tree"),
    Case("bad_duplicated_section", "肆 and 伍 printed twice", "load", b_duplicated_section, same_tree=True),
    # Tags go, their text stays (`alert('x')` is left in the goal titles: harmless text in JSON).
    Case("bad_html_script", "HTML and script in titles", "load", b_html_script, same_shape=True),
    Case(
        "bad_deep_nesting", "brackets and tags nested 2,000 deep", "load", b_deep_nesting, scale=2000, test_scale=2000
    ),
    Case(
        "bad_long_line",
        "a 2-million-character title",
        "reject",
        b_long_line,
        "characters",
        big=True,
        scale=2_000_000,
        test_scale=200_000,
    ),
    Case("bad_long_title", "a 16,000-character title", "load", b_long_line, scale=16_000, test_scale=16_000),
    Case(
        "bad_huge_agency_cell",
        "2,000 unknown agencies in one cell",
        "load",
        b_huge_agency_cell,
        warnings=("unknown-agency",),
        scale=2_000,
        test_scale=2_000,
    ),
    Case("bad_bom", "a UTF-8 byte-order mark", "load", b_bom, same_tree=True),
    Case("bad_crlf", "CRLF line ends", "load", b_crlf, same_tree=True),
    Case("bad_cr", "CR-only line ends", "load", b_cr, same_tree=True),
    Case("bad_mixed_newlines", "LF, CRLF and CR mixed", "load", b_mixed_newlines, same_tree=True),
    Case("bad_invisible", "zero-width and bidi characters in titles", "load", b_invisible),
    Case("bad_astral", "astral-plane characters and emoji in titles", "load", b_astral),
    Case("bad_fullwidth_digits", "full-width digits in measure markers", "load", b_fullwidth_digits, same_tree=True),
    Case("bad_directory", "a directory where the file should be", "reject", b_directory, "cannot read"),
    Case(
        "bad_missing_file",
        "the manifest names a missing file",
        "reject",
        b_clean,
        "no_such_file.txt",
        manifest=m_missing_file,
    ),
    Case(
        "bad_manifest_yaml", "the manifest is not valid YAML", "reject", b_clean, "not valid YAML", manifest=m_bad_yaml
    ),
    Case(
        "bad_unknown_profile",
        "the manifest names an unknown profile",
        "reject",
        b_clean,
        "no loader profile",
        manifest=m_unknown_profile,
    ),
]


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


# --- writing ------------------------------------------------------------------------------------------
def write_cases(out: Path) -> list[str]:
    """Write the small cases and cases.yaml; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    index = []
    for c in CASES:
        entry: dict[str, Any] = {"name": c.name, "what": c.what, "expect": c.expect}
        if c.message:
            entry["message"] = c.message
        if c.warnings:
            entry["warnings"] = list(c.warnings)
        if c.big:
            entry["generated_at_run_time"] = True
        elif c.manifest is None and c.name != "bad_directory":
            built = c.build(c.scale)
            (out / c.file).write_bytes(built.data)
            written.append(c.file)
            if built.line is not None:
                entry["line"] = built.line
        index.append(entry)
    header = (
        "# Broken documents for tests/test_bad_inputs.py and benchmarks/bad_inputs.py.\n"
        "# Generated by tools/gen_bad_inputs.py (do not edit; re-run it). Big cases are built at run time.\n"
    )
    (out / "cases.yaml").write_text(header + yaml.safe_dump({"cases": index}, allow_unicode=True, sort_keys=False))
    written.append("cases.yaml")
    return written


# --- running one case the way the service loads it ------------------------------------------------------
@dataclass
class Outcome:
    case: str
    outcome: str  # "rejected" | "loaded" | "crashed"
    message: str = ""
    warnings: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    nodes: int = 0
    # Checks of the service's behaviour (all must hold).
    problems: list[str] = field(default_factory=list)


def _manifest(files: list[tuple[str, str]]) -> str:
    lines = ["documents:"]
    for doc_id, file in files:
        lines += [
            f"  - id: {doc_id}",
            f"    file: {file}",
            f"    title: 測試文件 {doc_id}",
            f"    short_name: {doc_id}",
            "    kind: plan",
            "    issuer: 行政院",
            '    published: "2025-01-01"',
            f"    profile: {PROFILE}",
        ]
    return "\n".join(lines) + "\n"


def committed(c: Case, folder: Path = DEFAULT_OUT) -> Built | None:
    """The case as written to `folder` by write_cases (None for run-time-only cases)."""
    path = folder / c.file
    if c.big or c.manifest is not None or not path.is_file():
        return None
    index = yaml.safe_load((folder / "cases.yaml").read_text(encoding="utf-8"))["cases"]
    line = next((e.get("line") for e in index if e["name"] == c.name), None)
    return Built(path.read_bytes(), line)


def run_case(c: Case, work: Path, scale: int | None = None, built: Built | None = None) -> Outcome:
    """Load `c` through GraphService.reload after a good load, and check what the service did.
    `built`: the case's bytes (default: built now at `scale`)."""
    from app.service import GraphService
    from app.settings import Settings
    from graph.embedded_store import EmbeddedStore

    corpus = work / c.name
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / GOOD_FILE).write_text(clean_text(0), encoding="utf-8")
    (corpus / "manifest.yaml").write_text(_manifest([(GOOD_ID, GOOD_FILE)]), encoding="utf-8")
    svc = GraphService(Settings(corpus=corpus), store=EmbeddedStore())
    first = svc.reload()
    out = Outcome(c.name, "crashed")
    if not first.ok:
        out.problems.append(f"the good document did not load: {first.error}")
        return out
    before = svc.store.generation()
    good_nodes = {n.id: n for n in svc.store.nodes(document=GOOD_ID)}

    if built is None:
        built = c.build(scale if scale is not None else c.scale)
    target = corpus / c.file
    if c.name == "bad_directory":
        target.mkdir(exist_ok=True)
    else:
        target.write_bytes(built.data)
    entry = _manifest([(GOOD_ID, GOOD_FILE), (BAD_ID, c.file)])
    if c.manifest is not None:
        entry = c.manifest(entry)
    (corpus / "manifest.yaml").write_text(entry, encoding="utf-8")

    t0 = time.perf_counter()
    try:
        report = svc.reload()
    except BaseException as exc:  # the service must never raise: that is what this records
        out.seconds = time.perf_counter() - t0
        out.message = f"{type(exc).__name__}: {exc}"[:300]
        out.problems.append("GraphService.reload raised instead of reporting")
        return out
    out.seconds = time.perf_counter() - t0
    after = svc.store.generation()
    assert before is not None and after is not None
    if not report.ok:
        out.outcome = "rejected"
        out.message = report.error or ""
        if "\n" in out.message or not out.message:
            out.problems.append("the error is not one line")
        named = c.file if c.manifest is None or c.manifest is m_unknown_profile else "manifest.yaml"
        if c.manifest is m_missing_file:
            named = "no_such_file.txt"
        if named not in out.message:
            out.problems.append(f"the error does not name {named}")
        if built.line is not None and f":{built.line}:" not in out.message:
            out.problems.append(f"the error does not name line {built.line}")
        if after.generation != before.generation:
            out.problems.append("a failed load replaced the served graph")
        if c.expect == "load":
            out.problems.append("expected to load with warnings")
        if c.message and c.message not in out.message:
            out.problems.append(f"the error does not say {c.message!r}")
        return out
    out.outcome = "loaded"
    out.nodes = after.nodes
    ws = [w for w in report.warnings if w.document == BAD_ID]
    for w in ws:
        out.warnings[w.code] = out.warnings.get(w.code, 0) + 1
        if w.line < 1:
            out.problems.append(f"warning {w.code} names no line")
    if c.expect == "reject":
        out.problems.append("expected to be refused")
    for code in c.warnings:
        if code not in out.warnings:
            out.problems.append(f"no {code} warning")
    # The good neighbour is untouched, and the bad document's titles carry no markup.
    now = {n.id: n for n in svc.store.nodes(document=GOOD_ID)}
    if now != good_nodes:
        out.problems.append("the good document's nodes changed")
    bad_nodes = svc.store.nodes(document=BAD_ID)
    if any("<script" in n.title or "onerror" in n.title or "\x00" in n.title for n in bad_nodes):
        out.problems.append("markup or NUL kept in a title")
    if c.same_tree or c.same_shape:
        clean = _clean_tree()
        got = sorted((n.kind.value, n.title) for n in bad_nodes if n.kind.value not in ("Document", "Agency"))
        if c.same_tree and got != clean:
            out.problems.append(f"the tree differs from the clean document's ({len(got)} vs {len(clean)} nodes)")
        if sorted(k for k, _ in got) != sorted(k for k, _ in clean):
            out.problems.append("the node kinds differ from the clean document's")
    return out


def _clean_tree() -> list[tuple[str, str]]:
    from core.source import decode_source
    from graph.model import DocumentMeta
    from loaders.pipeline import build_batch

    meta = DocumentMeta(
        id=BAD_ID,
        file="clean.txt",
        title=f"測試文件 {BAD_ID}",
        short_name=BAD_ID,
        kind="plan",
        issuer="行政院",
        published="2025-01-01",
        profile=PROFILE,
    )
    batch = build_batch([(meta, decode_source("clean.txt", clean_text().encode()))])
    return sorted(
        (n.kind.value, n.title)
        for n in batch.nodes
        if n.document == BAD_ID and n.kind.value not in ("Document", "Agency")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    files = write_cases(args.out)
    print(f"wrote {len(files) - 1} documents and cases.yaml to {args.out} ({len(CASES)} cases, big ones at run time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
