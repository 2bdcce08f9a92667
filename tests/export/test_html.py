"""The HTML export: one self-contained file, escaped data, a strict CSP."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from sago_tui.export import export_html
from sago_tui.export.html import render_html, script_json
from tests.export.factory import HOSTILE, every_event_records, run_records

DATA_BLOCK = re.compile(
    r'<script type="application/json" id="trace-data">(?P<data>.*?)</script>', re.DOTALL
)
CODE_BLOCK = re.compile(r"<script>(?P<code>.*?)</script>", re.DOTALL)


def embedded(page: str) -> dict[str, Any]:
    """The JSON the page embeds."""
    match = DATA_BLOCK.search(page)
    assert match is not None
    return dict(json.loads(match.group("data")))


def asset(name: str) -> str:
    return (resources.files("sago_tui.export") / name).read_text(encoding="utf-8")


def test_script_json_escapes_everything_that_could_end_the_block() -> None:
    value = {"k<": "</script><!-- & \u2028 \u2029 >"}
    raw = script_json(value)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in raw
    assert json.loads(raw) == value


def test_script_json_turns_nan_into_null() -> None:
    assert json.loads(script_json({"x": float("nan"), "y": [float("inf")]})) == {
        "x": None,
        "y": [None],
    }


def test_hostile_task_name_and_answer_stay_data(tmp_path: Path) -> None:
    records = run_records(1)
    records[1]["data"]["task_name"] = "<script>alert(1)</script>"
    records[3]["data"]["response_preview"] = "done </script><script>alert(2)</script>\u2028"
    out = export_html(records, tmp_path / "t.html", title="<script>alert(3)</script>")
    page = out.read_text(encoding="utf-8")
    # Exactly two script elements: the data block and the page's own code.
    assert page.count("<script") == 2
    assert "alert(1)" not in page.split('id="trace-data">')[0]
    assert "<title>&lt;script&gt;alert(3)&lt;/script&gt;</title>" in page
    data = embedded(page)
    assert data["records"] == records
    assert data["summary"]["tasks"][0]["name"] == "<script>alert(1)</script>"


def test_every_hostile_string_field_survives_as_data(tmp_path: Path) -> None:
    records = every_event_records(HOSTILE, task_id=HOSTILE)
    page = export_html(records, tmp_path / "t.html", title=HOSTILE).read_text(encoding="utf-8")
    assert page.count("<script") == 2
    assert page.count("</script>") == 2
    assert "<img" not in page
    assert embedded(page)["records"] == records


def test_lone_surrogates_are_written_as_json_escapes(tmp_path: Path) -> None:
    records = run_records(1)
    records[1]["data"]["task_name"] = "bad \ud800 text"
    out = export_html(records, tmp_path / "t.html", title="t")
    page = out.read_bytes().decode("utf-8")  # valid UTF-8
    assert embedded(page)["records"][1]["data"]["task_name"] == "bad \ud800 text"


def test_csp_allows_only_the_page_script_by_hash() -> None:
    page = render_html(run_records(1), title="t")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1).replace("&#x27;", "'")
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    codes = [m.group("code") for m in CODE_BLOCK.finditer(page)]
    assert len(codes) == 1
    digest = base64.b64encode(hashlib.sha256(codes[0].encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_page_is_self_contained() -> None:
    page = render_html(run_records(2), title="t")
    outside_data = DATA_BLOCK.sub("", page)
    assert not re.search(r"https?://", outside_data)
    for attr in re.findall(r'(?:src|href)="([^"]*)"', outside_data):
        assert attr.startswith("data:")
    assert "@import" not in outside_data and "url(" not in outside_data


def test_script_never_turns_data_into_markup() -> None:
    code = re.sub(r"/\*.*?\*/", "", asset("trace_view.js"), flags=re.DOTALL)  # comments
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code
    assert "new Function" not in code


def test_every_traced_event_type_has_a_renderer() -> None:
    from sago_tui.core.events import EVENT_TYPES

    code = asset("trace_view.js")
    handled = set(re.findall(r'case "([a-z_]+)":', code))
    traced = {kind for kind, cls in EVENT_TYPES.items() if cls.traced}
    assert traced <= handled, f"no renderer for {sorted(traced - handled)}"


def test_interrupted_run_exports(tmp_path: Path) -> None:
    records = run_records(2, end=False)[:-3]  # killed inside the second task
    data = embedded(render_html(records, title="t"))
    assert data["summary"]["interrupted"] is True
    assert data["summary"]["outcome"] == "interrupted"
    assert [t["status"] for t in data["summary"]["tasks"]] == ["passed", "interrupted"]


def test_empty_and_malformed_records_do_not_break_the_export() -> None:
    records: list[Any] = [{"event_type": "task_end", "data": "not a dict"}, "junk", {}]
    data = embedded(render_html(records, title="t"))
    assert len(data["records"]) == 2


@pytest.mark.slow
def test_fifty_thousand_events_export_at_a_reasonable_size(tmp_path: Path) -> None:
    base = run_records(1)
    task = base[1:-1]
    records = [base[0]]
    for n in range(50_000 // len(task)):
        for record in task:
            copy = json.loads(json.dumps(record))
            copy["data"]["task_id"] = f"{n // 100 + 1}.{n % 100 + 1}"
            records.append(copy)
    records.append(base[-1])
    jsonl = sum(len(json.dumps(r, ensure_ascii=False)) + 1 for r in records)
    out = export_html(records, tmp_path / "big.html", title="big")
    size = out.stat().st_size
    # The page is the trace, a summary (a few numbers per task and per event) and ~50 KB of code.
    assert size < jsonl * 1.5 + 200_000, (size, jsonl)
    data = embedded(out.read_text(encoding="utf-8"))
    assert len(data["records"]) == len(records)
    assert len(data["summary"]["tasks"]) == 50_000 // len(task)
