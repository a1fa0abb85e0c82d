"""Machine-readable renderings of a report: JSON, and JUnit XML for CI (one test case per check)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from queries.integrity.model import CheckStatus, Finding, IntegrityReport, Severity


def to_json(report: IntegrityReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def _line(f: Finding) -> str:
    ev = f.evidence[0] if f.evidence else None
    where = f"{ev.document}:{ev.line}" if ev and ev.line else (ev.document if ev else "")
    focus = f" [{f.focus_node}]" if f.focus_node else ""
    return f"{f.severity.value}: {where}{focus} {f.message}".replace("  ", " ")


def to_junit(report: IntegrityReport) -> str:
    """JUnit XML: a check with error-severity findings is a <failure>, a crashed check an <error>, a
    skipped one <skipped>; warnings and infos are listed in <system-out> and do not fail the case."""
    by_check: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_check.setdefault(f.check, []).append(f)
    failures = errors = skipped = 0
    suite = ET.Element(
        "testsuite",
        name="policygraph.integrity",
        timestamp=report.generated_at,
        time=f"{report.duration_ms / 1000:.3f}",
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (("store", report.store), ("generation", report.generation), ("corpus", report.corpus)):
        ET.SubElement(props, "property", name=name, value=value or "")
    for run in report.checks:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"integrity.{run.severity.value}",
            name=run.id,
            time=f"{run.duration_ms / 1000:.3f}",
        )
        found = by_check.get(run.id, [])
        bad = [f for f in found if f.severity is Severity.ERROR]
        if run.status is CheckStatus.CRASHED:
            errors += 1
            ET.SubElement(case, "error", message="; ".join(run.notes) or "the check crashed")
        elif run.status is CheckStatus.SKIPPED:
            skipped += 1
            ET.SubElement(case, "skipped", message="; ".join(run.notes))
        elif bad:
            failures += 1
            fail = ET.SubElement(case, "failure", type="error", message=f"{len(bad)} error finding(s): {run.rationale}")
            fail.text = "\n".join(_line(f) for f in bad)
        rest = [f for f in found if f.severity is not Severity.ERROR]
        if rest or run.notes:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join([_line(f) for f in rest] + [f"note: {n}" for n in run.notes])
    suite.set("tests", str(len(report.checks)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
