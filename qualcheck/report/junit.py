"""JUnit XML output: ``junit.xml``, one test case per audited document, for CI test views.

One ``<testsuite name="qualcheck">`` (inside ``<testsuites>``, the form Jenkins, GitLab,
Azure and the JUnit report actions all read). Each audited document is a test case
(``classname="qualcheck"``, ``name`` = its ``doc_id``: the path, or ``file.csv#id`` for a
row of a tabular file):

* errors or warnings -> ``<failure>`` whose ``message`` counts them ("1 error, 2
  warnings") and whose text lists them in the text format (``type`` is the worst
  severity);
* info findings -> listed in ``<system-out>``; a document with only those passes;
* skipped inputs -> test cases with ``<skipped message="reason"/>``.

Findings whose document is missing from the report still get a test case, after the
documents. The XML is built with :mod:`xml.etree.ElementTree`, which escapes markup;
characters XML 1.0 cannot carry at all (control characters, lone surrogates) are shown
escaped (``\\x0c``) so the file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from qualcheck.report.base import atomic_write_text, ensure_dir
from qualcheck.report.records import SEVERITY_ORDER, group_by_doc, severity_value
from qualcheck.report.text_writer import finding_line, one_line, sorted_findings
from qualcheck.types import Finding, Report

FILENAME = "junit.xml"
SUITE_NAME = "qualcheck"
CLASSNAME = "qualcheck"
#: Severities that fail a document's test case.
FAILING: frozenset[str] = frozenset({"error", "warning"})

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` with control characters escaped and any other non-XML character too."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", one_line(value))


def count_summary(findings: list[Finding]) -> str:
    """``"1 error, 2 warnings"``: counts per severity present, most serious first."""
    counts = Counter(severity_value(f.severity) for f in findings)
    parts = []
    for severity in SEVERITY_ORDER:
        n = counts.get(severity, 0)
        if n:
            parts.append(f"{n} {severity}" + ("s" if n != 1 and severity != "info" else ""))
    return ", ".join(parts)


def _testcase(suite: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": CLASSNAME, "name": xml_text(name)})


def _document_case(suite: ET.Element, doc_id: str, findings: list[Finding]) -> bool:
    """Add the test case of one document; return whether it failed."""
    case = _testcase(suite, doc_id)
    failing = [f for f in findings if severity_value(f.severity) in FAILING]
    others = [f for f in findings if severity_value(f.severity) not in FAILING]
    if failing:
        worst = "error" if any(severity_value(f.severity) == "error" for f in failing) else "warning"
        failure = ET.SubElement(case, "failure", {"message": count_summary(failing), "type": worst})
        failure.text = "\n".join(xml_text(finding_line(f)) for f in failing)
    if others:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(xml_text(finding_line(f)) for f in others)
    return bool(failing)


def junit_tree(report: Report) -> ET.Element:
    """The ``<testsuites>`` element for ``report``."""
    by_doc = group_by_doc(sorted_findings(report))
    doc_ids = [doc.doc_id for doc in report.documents]
    known = set(doc_ids)
    doc_ids += [doc_id for doc_id in by_doc if doc_id not in known]  # findings without a document

    root = ET.Element("testsuites", {"name": SUITE_NAME})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME})
    failures = sum(_document_case(suite, doc_id, by_doc.get(doc_id, [])) for doc_id in doc_ids)
    for skipped in report.skipped:
        case = _testcase(suite, skipped.path)
        ET.SubElement(case, "skipped", {"message": xml_text(skipped.reason)})
    counts = {
        "tests": str(len(doc_ids) + len(report.skipped)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(len(report.skipped)),
    }
    for element in (root, suite):
        element.attrib.update(counts)
    return root


def junit_xml(report: Report) -> str:
    """``junit.xml`` as text, with an XML declaration and indentation."""
    root = junit_tree(report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class JunitWriter:
    """Writes ``junit.xml``."""

    name = "junit"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Write ``junit.xml`` atomically and return its path."""
        directory = ensure_dir(out_dir)
        return [atomic_write_text(directory / FILENAME, junit_xml(report))]
