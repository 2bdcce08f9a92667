"""Structural checks of a JUnit XML file against the rules CI servers rely on.

No XSD validator is installed, so the rules of the two schemas in common use are
checked directly: Jenkins' ``junit-10.xsd`` (xunit plugin) and the Ant-derived
schema (windyroad ``JUnit.xsd``), where they agree with each other:

- ``testsuites`` holds only ``testsuite`` elements; its counts are the suites' sums.
- ``testsuite`` has ``name tests failures errors skipped time timestamp hostname id
  package``; ``timestamp`` is ISO 8601 without a zone (Ant's pattern); children come
  in the order ``properties``, ``testcase*``, ``system-out``, ``system-err``.
- ``properties`` holds only ``property`` elements, each with ``name`` and ``value``.
- ``testcase`` has ``name``, ``classname`` and a decimal ``time``; its children are
  ``skipped``/``error``/``failure`` (at most one of them) then ``system-out``/``system-err``.
- ``failure`` and ``error`` carry ``message`` and ``type`` (required by Ant's schema).
- The counts on each suite match its test cases.
- No character outside XML 1.0's allowed set.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SUITE_ATTRS = ("name", "tests", "failures", "errors", "skipped", "time", "timestamp",
                "hostname", "id", "package")  # fmt: skip
_COUNTS = ("tests", "failures", "errors", "skipped")
_OUTCOMES = {"skipped", "error", "failure"}
_CASE_CHILDREN = _OUTCOMES | {"system-out", "system-err"}
_SUITE_ORDER = {"properties": 0, "testcase": 1, "system-out": 2, "system-err": 3}


def check_junit(path: Path) -> ET.Element:
    """Raise AssertionError naming the first broken rule; returns the root element."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>'), "missing XML declaration"
    assert not _BAD_CHARS.search(text), "character not allowed in XML 1.0"
    root = ET.fromstring(text)
    assert root.tag == "testsuites", root.tag
    totals = dict.fromkeys(_COUNTS, 0)
    for suite in root:
        assert suite.tag == "testsuite", f"testsuites may hold only testsuite, not {suite.tag}"
        for key, value in _check_suite(suite).items():
            totals[key] += value
    for key in _COUNTS:
        assert int(root.attrib[key]) == totals[key], f"testsuites {key}"
    assert _DECIMAL.match(root.attrib["time"]), "testsuites time"
    return root


def _check_suite(suite: ET.Element) -> dict[str, int]:
    for attr in _SUITE_ATTRS:
        assert attr in suite.attrib, f"testsuite lacks {attr}"
    assert _TIMESTAMP.match(suite.attrib["timestamp"]), suite.attrib["timestamp"]
    assert _DECIMAL.match(suite.attrib["time"]), "testsuite time"
    ranks = [_SUITE_ORDER.get(child.tag, -1) for child in suite]
    assert -1 not in ranks, f"unexpected child in testsuite: {[c.tag for c in suite]}"
    assert ranks == sorted(ranks), "testsuite children out of order"
    assert [c.tag for c in suite].count("properties") <= 1
    for props in suite.iter("properties"):
        for prop in props:
            assert prop.tag == "property" and {"name", "value"} <= set(prop.attrib)
    counts = dict.fromkeys(_COUNTS, 0)
    for case in suite.iter("testcase"):
        counts["tests"] += 1
        for attr in ("name", "classname", "time"):
            assert attr in case.attrib, f"testcase lacks {attr}"
        assert _DECIMAL.match(case.attrib["time"]), f"testcase time {case.attrib['time']!r}"
        tags = [child.tag for child in case]
        assert set(tags) <= _CASE_CHILDREN, f"unexpected child in testcase: {tags}"
        outcomes = [tag for tag in tags if tag in _OUTCOMES]
        assert len(outcomes) <= 1, f"testcase {case.attrib['name']} has {outcomes}"
        if outcomes:
            assert tags.index(outcomes[0]) == 0, "outcome must precede system-out"
            element = case.find(outcomes[0])
            assert element is not None
            if outcomes[0] in ("failure", "error"):
                assert {"message", "type"} <= set(element.attrib), f"{outcomes[0]} attributes"
            counts[{"failure": "failures", "error": "errors"}.get(outcomes[0], "skipped")] += 1
    for key in _COUNTS:
        assert int(suite.attrib[key]) == counts[key], f"testsuite {key}"
    return counts
