"""Reader for periodical issues laid out like 台灣經濟論衡 (002): Article nodes found through the
table of contents (title, byline, column, page), the targets the articles state, and which
initiatives of a programme each article covers (a linker, since it needs the programme's nodes).

Everything document-specific is in the profile (data/profiles/econ_forum.yaml).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.agencies import AgencyBook
from core.source import SourceText
from core.text import clean_title, match_key, similarity
from graph.model import EdgeType, Node, NodeKind
from loaders.components import linkers, readers
from loaders.context import DocInput, DocResult, LoadContext
from loaders.readers.econ_forum.profile import ContentsSpec, CoverName, CoversSpec, ForumProfile
from loaders.target_nodes import add_line_targets


@dataclass
class ContentsEntry:
    page: int
    title: str
    byline: str
    line: int
    column: str | None


@dataclass
class ArticleSpan:
    entry: ContentsEntry
    title_line: int
    byline_line: int
    end: int


# --- pure parsing ---------------------------------------------------------------------------------


def read_contents(src: SourceText, spec: ContentsSpec) -> tuple[list[ContentsEntry], int]:
    """The contents entries, and the last line of the contents. An entry is `- NN title` plus
    continuation lines; its last line is the byline. The contents end where a column header
    repeats (the body's first column)."""
    start_re, entry_re = re.compile(spec.start), re.compile(spec.entry)
    col_re, col_en = re.compile(spec.column), re.compile(spec.column_english)
    start = next((i for i, s in enumerate(src.lines, 1) if start_re.match(s.strip())), None)
    if start is None:
        return [], 0
    entries: list[ContentsEntry] = []
    seen_columns: set[str] = set()
    column: str | None = None
    block: list[tuple[int, str]] = []
    last = start

    def flush() -> None:
        if not block:
            return
        n, first = block[0]
        m = entry_re.match(first)
        assert m is not None
        parts = [m.group("title"), *[t for _, t in block[1:]]]
        byline = parts.pop() if len(parts) > 1 else ""
        entries.append(ContentsEntry(int(m.group("page")), _join_title(parts), byline, n, column))
        block.clear()

    for n in range(start + 1, len(src.lines) + 1):
        text = src.line(n).strip()
        if not text:
            flush()
            continue
        cm = col_re.match(text)
        if cm:
            flush()
            if cm.group("name") in seen_columns:
                break
            seen_columns.add(cm.group("name"))
            column = text
            last = n
            continue
        if col_en.match(text):
            continue
        if entry_re.match(text):
            flush()
            block.append((n, text))
            last = n
        elif block:
            block.append((n, text))
            last = n
    flush()
    return entries, last


def _join_title(parts: list[str]) -> str:
    out = ""
    for p in parts:
        if out and _is_ascii_word(out[-1]) and _is_ascii_word(p[:1]):
            out += " "
        out += p.strip()
    return tidy_title(out)


def _is_ascii_word(c: str) -> bool:
    return bool(c) and c.isascii() and (c.isalnum() or c in "-,.")


def tidy_title(text: str) -> str:
    """A title as printed without the stray spaces the conversion leaves after ——, ， and ：."""
    return re.sub(r"(?<=[—，、：；])\s+", "", clean_title(text))


def find_duplicates(src: SourceText, min_lines: int) -> list[tuple[int, int, int]]:
    """Runs of at least `min_lines` non-blank lines repeating an earlier run: (start, end,
    start of the original). The run's leading blank lines belong to the copy."""
    lines = [(i, _comparable(s)) for i, s in enumerate(src.lines, 1) if s.strip()]
    first_at: dict[str, int] = {}
    for k, (_, s) in enumerate(lines):
        first_at.setdefault(s, k)
    out: list[tuple[int, int, int]] = []
    k = 0
    while k < len(lines):
        j = first_at[lines[k][1]]
        if j < k:
            run = 0
            while k + run < len(lines) and j + run < k and lines[j + run][1] == lines[k + run][1]:
                run += 1
            if run >= min_lines:
                start = lines[k - 1][0] + 1 if k > 0 else 1
                out.append((start, lines[k + run - 1][0], lines[j][0]))
                k += run
                continue
        k += 1
    return out


def _comparable(line: str) -> str:
    """A line for comparing copies: the closing glyph of an article may differ (🤝 vs 🌀)."""
    s = line.strip()
    while s and (unicodedata.category(s[-1]) in ("So", "Sk") or s[-1].isspace()):
        s = s[:-1]
    return s


def locate_articles(
    src: SourceText, entries: list[ContentsEntry], after: int, spec: ContentsSpec, stop: int
) -> list[ArticleSpan]:
    """Each contents entry's title line in the body (in contents order) and its byline; an
    article runs to the line before the next article's column header or title."""
    col_re, col_en = re.compile(spec.column), re.compile(spec.column_english)
    found: list[tuple[ContentsEntry, int, int]] = []
    n = after + 1
    for e in entries:
        hit = None
        for i in range(n, stop + 1):
            text = src.line(i).strip()
            if text and similarity(text, e.title) >= spec.min_title_similarity:
                hit = i
                break
        if hit is None:
            continue
        by = next((i for i in range(hit + 1, stop + 1) if src.line(i).strip()), hit)
        found.append((e, hit, by))
        n = by + 1
    out: list[ArticleSpan] = []
    for k, (e, t, b) in enumerate(found):
        end = found[k + 1][1] - 1 if k + 1 < len(found) else stop
        while end > b and (
            not src.line(end).strip() or col_re.match(src.line(end).strip()) or col_en.match(src.line(end).strip())
        ):
            end -= 1
        out.append(ArticleSpan(e, t, b, end))
    return out


def _language(text: str) -> str:
    cjk = sum(1 for c in text if unicodedata.east_asian_width(c) in "WF")
    return "zh" if cjk * 5 >= len(text.replace(" ", "")) else "en"


# --- reader ---------------------------------------------------------------------------------------


@readers.register("econ_forum", profile=ForumProfile)
def read_econ_forum(doc: DocInput[ForumProfile], ctx: LoadContext) -> DocResult:
    result = DocResult()
    prof = doc.profile
    src = doc.source
    doc_node = result.add_node(doc.document_node())
    entries, toc_end = read_contents(src, prof.contents)
    if not entries:
        result.warn(doc.meta.id, 1, "no-contents", "no table of contents: loaded as a document only")
        return result
    dups = find_duplicates(src, prof.duplicate_min_lines)
    dropped = {i for a, b, _ in dups for i in range(a, b + 1)}
    for a, b, orig in dups:
        result.warn(
            doc.meta.id, a, "duplicate-page", f"lines {a}-{b} repeat lines from {orig} (a page printed twice): dropped"
        )
    stop = min((a for a, _, _ in dups), default=len(src.lines) + 1) - 1
    spans = locate_articles(src, entries, toc_end, prof.contents, stop)
    for e in entries:
        if not any(s.entry is e for s in spans):
            result.warn(
                doc.meta.id, e.line, "article-not-found", f"contents entry {e.title!r} has no article in the body"
            )
    heading = re.compile(prof.heading)
    ref_year = int(doc.meta.published[:4])
    previous: Node | None = None
    for k, span in enumerate(spans, 1):
        title = tidy_title(src.line(span.title_line))
        byline = " ".join(src.line(span.byline_line).split()).lstrip("—- ").strip()
        language = _language(title)
        prov = doc.prov(span.title_line, span.byline_line)
        agencies = _byline_agencies(doc, ctx, ctx.agencies.book, byline, span.byline_line, result)
        attrs: dict[str, object] = {
            "author": byline,
            "author_agencies": agencies,
            "column": span.entry.column,
            "page": span.entry.page,
            "contents_line": span.entry.line,
            "contents_title": span.entry.title,
            "language": language,
            "line_end": span.end,
        }
        if language != "zh" and previous is not None and previous.attrs.get("language") == "zh":
            attrs["translation_of"] = previous.id
        if prof.covers is not None:
            attrs["covers"] = _covered_names(src, span, title, heading, prof.covers, dropped)
        node = result.add_node(
            Node(
                id=f"{doc.meta.id}:a{k}",
                kind=NodeKind.ARTICLE,
                title=title,
                number=str(span.entry.page),
                order=span.title_line,
                provenance=prov,
                attrs=attrs,
            )
        )
        result.add_edge(doc_node.id, node.id, EdgeType.DESCRIBES, prov)
        if language in prof.targets_languages:
            _article_targets(doc, node, span, dropped, ref_year, result)
        previous = node
    return result


def _byline_agencies(
    doc: DocInput, ctx: LoadContext, book: AgencyBook, byline: str, line: int, result: DocResult
) -> list[str]:
    """The agencies an author line names (its unit, before the person's name)."""
    if _language(byline) == "zh":
        unit = byline.split()[0] if byline.split() else byline
        names = [(r.surface, r.record, r.is_collective) for r in book.parse_names(unit)]
    else:
        names = []
        for part in re.split(r"\s+and\s+", byline):
            m = re.fullmatch(r"(.+?),\s*(\S+)", part.strip())
            parent = book.resolve(m.group(2)) if m else None
            surface = m.group(1) if m else part.strip()
            names.append((part.strip(), book.resolve(surface, parent) or (None if m else book.resolve(surface)), False))
    out: list[str] = []
    for surface, rec, collective in names:
        if collective:
            continue
        if rec is None:
            result.warn(doc.meta.id, line, "unknown-agency", f"author unit {surface!r} is not in the agency gazetteer")
            continue
        out.append(ctx.agencies.mention(rec, doc.prov(line)))
    return out


def _covered_names(
    src: SourceText,
    span: ArticleSpan,
    title: str,
    heading: re.Pattern[str],
    covers: CoversSpec,
    dropped: set[int],
) -> list[dict[str, object]]:
    """Headings of the article (its title, 壹/一、/(一)/1./a. lines) that name one of the issue's
    initiatives, by name as printed in the issue (Chinese or English)."""
    found: list[dict[str, object]] = []
    candidates: list[tuple[int, str]] = [(span.title_line, title)]
    for n in range(span.byline_line + 1, span.end + 1):
        if n in dropped:
            continue
        m = heading.match(src.line(n).strip().lstrip("- ").strip())
        if m:
            candidates.append((n, clean_title(m.group("title"))))
    for n, text in candidates:
        # a list item `名稱：說明` names its initiative before the colon; the title names it anywhere
        head = text if n == span.title_line else re.split(r"[：:]", text, maxsplit=1)[0]
        key = match_key(head)
        for name in covers.names:
            for printed in (name.issue, name.english):
                if printed and match_key(printed) and match_key(printed) in key:
                    found.append({"name": name.issue, "printed": printed, "line": n, "heading": head})
    return found


def _article_targets(
    doc: DocInput, article: Node, span: ArticleSpan, dropped: set[int], ref_year: int, result: DocResult
) -> None:
    # Tables (rankings, indicators by country) are data, not the article's targets: skipped.
    lines = [n for n in range(span.byline_line + 1, span.end + 1) if n not in dropped]
    add_line_targets(doc, article.id, lines, ref_year, result)


# --- linker: which initiatives each article covers ------------------------------------------------


# After cross_plan, on purpose: cross_plan drops a mention of a plan where the mentioning item
# already links to that plan, and a COVERS edge to one of its initiatives would count as such a
# link. An article naming the programme (「AI 新十大建設」, 002:155) and an article covering one of its
# initiatives through the issue's own list of names (renamed, split: see the profile) are
# different evidence, and both are kept: the MENTIONS edge quotes the article's words for the
# programme, the COVERS edge the heading of the initiative. Run before cross_plan, 5 MENTIONS
# edges of 002's articles to 001 would disappear.
@linkers.register("econ_forum_covers", after=("cross_plan",))
def link_econ_forum_covers(ctx: LoadContext) -> DocResult:
    """COVERS edges article -> initiative of the programme the issue describes, through the
    profile's name table (the issue's names are not always the programme's). Runs after every
    document is read, so the order documents are read in does not matter."""
    result = DocResult()
    for doc_id, doc in sorted(ctx.inputs.items()):
        if not isinstance(doc.profile, ForumProfile) or doc_id not in ctx.results:
            continue
        covers = doc.profile.covers
        if covers is None:
            continue
        programmes = sorted(d for d, inp in ctx.inputs.items() if inp.meta.profile == covers.document_profile)
        if not programmes:
            result.warn(doc_id, 1, "no-programme", f"no document with profile {covers.document_profile!r} is loaded")
            continue
        targets = [n for d in programmes for n in ctx.results[d].nodes if n.kind is covers.kind]
        by_key = {match_key(n.title): n for n in targets}
        names = {n.issue: n for n in covers.names}
        edges: dict[tuple[str, str], dict[str, object]] = {}
        for article in ctx.results[doc_id].nodes:
            if article.kind is not NodeKind.ARTICLE:
                continue
            for hit in article.attrs.get("covers", []):
                spec = names[str(hit["name"])]
                for title in spec.initiatives:
                    node = by_key.get(match_key(title))
                    if node is None:
                        result.warn(
                            doc_id,
                            int(hit["line"]),
                            "unknown-initiative",
                            f"{title!r} is not an initiative of {programmes}",
                        )
                        continue
                    key = (article.id, node.id)
                    if key in edges:
                        lines = edges[key]["lines"]
                        assert isinstance(lines, list)
                        lines.append(hit["line"])
                        continue
                    edges[key] = {
                        "line": hit["line"],
                        "lines": [hit["line"]],
                        "issue_name": spec.issue,
                        "printed": hit["printed"],
                        "relation": _relation(spec, title),
                        "note": spec.note,
                    }
        for (src_id, dst_id), info in sorted(edges.items()):
            line = int(str(info["line"]))
            note = info.pop("note")
            info.pop("line")
            prov = doc.prov(line, line, str(note) if note else None)
            result.add_edge(src_id, dst_id, EdgeType.COVERS, prov, **info)
    return result


def _relation(spec: CoverName, initiative: str) -> str:
    if len(spec.initiatives) > 1:
        return "split"  # one item in the issue, several initiatives in the programme
    return "same" if match_key(spec.issue) == match_key(initiative) else "renamed"
