"""The exported page in a real browser (headless Chromium): it draws, and data never runs.

Skipped only when no Chromium is installed (.ci/run installs Debian's ``chromium``).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sago_tui.commands.trace_cmd import sample_records
from sago_tui.core.events import EVENT_TYPES
from sago_tui.export import export_html
from tests.export.cdp import CHROMIUM_FLAGS, Browser, find_chromium
from tests.export.factory import HOSTILE, every_event_records, run_records

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)
TITLE = "hostile trace"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    assert CHROMIUM is not None
    with Browser(CHROMIUM, tmp_path_factory.mktemp("profile")) as instance:
        yield instance


def page(browser: Browser, records: list[dict[str, Any]], path: Path, title: str = TITLE) -> None:
    export_html(records, path, title=title)
    browser.events.clear()
    browser.open(path.as_uri())


def js(browser: Browser, code: str) -> Any:
    """Run ``code`` as the body of an async function (``tick()`` lets queued events fire)."""
    prelude = "const tick = () => new Promise(r => setTimeout(r, 30));"
    return browser.evaluate(f"(async () => {{ {prelude} {code} }})()")


def test_dump_dom_shows_cards_and_keeps_the_title(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    out = export_html(every_event_records(HOSTILE), tmp_path / "t.html", title=TITLE)
    dom = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         out.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert f"<title>{TITLE}</title>" in dom
    assert dom.count('class="card ') == 2  # the run card and task 1.1
    body = dom.split("<body>", 1)[1].split('id="trace-data"', 1)[0]
    assert "<img" not in body and "<script>document" not in body
    assert "&lt;img src=x" in body  # the hostile task name, drawn as text


def test_hostile_data_never_runs(browser: Browser, tmp_path: Path) -> None:
    records = every_event_records(HOSTILE, task_id=HOSTILE)
    page(browser, records, tmp_path / "h.html")
    # Open everything: every card, every expander, every tab, every log row.
    opened = js(browser, """
        let n = 0;
        const openAll = async () => {
          for (let round = 0; round < 4; round++) {
            const closed = document.querySelectorAll('details:not([open]) > summary');
            closed.forEach(s => s.click());
            n += closed.length;
            await tick();
            document.querySelectorAll('button.more').forEach(b => b.click());
          }
        };
        document.querySelectorAll('.card:not(.open) > .head').forEach(h => h.click());
        await openAll();
        for (const tab of ['timeline', 'cost', 'log'])
          document.querySelector('[data-tab=' + tab + ']').click();
        document.querySelectorAll('.row').forEach(r => r.click());
        await openAll();
        return n;
    """)  # fmt: skip
    assert opened > 20
    assert browser.evaluate("document.title") == TITLE
    assert browser.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert browser.evaluate("document.querySelectorAll('script').length") == 2
    assert browser.evaluate('document.body.textContent.includes("onerror=\\"document.title")')
    assert browser.console_errors() == []


def test_every_event_type_has_its_own_item(browser: Browser, tmp_path: Path) -> None:
    page(browser, every_event_records(), tmp_path / "all.html")
    js(browser, "document.querySelectorAll('.card > .head').forEach(h => h.click());")
    items = js(browser, "return [...document.querySelectorAll('.item')].map(i => i.className);")
    traced = {kind for kind, cls in EVENT_TYPES.items() if cls.traced}
    assert {f"item item-{kind}" for kind in traced} <= set(items)
    assert "item item-generic" not in items
    js(browser, "document.querySelector('[data-tab=log]').click();")
    assert browser.evaluate("document.querySelectorAll('.row').length") == len(traced)
    assert browser.console_errors() == []


def test_requirements_show_in_the_cost_tab_and_their_event(
    browser: Browser, tmp_path: Path
) -> None:
    page(browser, every_event_records(HOSTILE), tmp_path / "reqs.html")
    js(browser, "document.querySelector('[data-tab=cost]').click();")
    rows = js(browser, """
        return [...document.querySelectorAll('#tab-cost table.reqs tr')].map(r =>
            [...r.children].map(c => c.textContent));
    """)  # fmt: skip
    assert rows[0] == ["Requirement", "Done", "Tasks"]
    assert rows[1] == [f"REQ-1 {HOSTILE}", "done", "1.1 passed"]
    assert rows[2][1] == "not done" and rows[2][2] == f"{HOSTILE} {HOSTILE}"
    assert browser.evaluate("document.title") == TITLE  # nothing in it ran
    js(browser, "document.querySelectorAll('.card > .head').forEach(h => h.click());")
    what = js(browser, "return document.querySelector('.item-requirements .what').textContent;")
    assert what == "1/2 requirements done"
    assert browser.console_errors() == []


def test_sample_run_feed_timeline_cost_and_log(browser: Browser, tmp_path: Path) -> None:
    records = sample_records()
    page(browser, records, tmp_path / "demo.html", title="demo")
    cards = js(browser, """
        return [...document.querySelectorAll('.card')].map(c =>
            [c.className, (c.querySelector('.tid') || {}).textContent || '']);
    """)  # fmt: skip
    assert [tid for _, tid in cards] == ["", "1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3"]
    assert "st-cached" in cards[1][0] and "st-skipped" in cards[7][0]
    # Open 2.1: the failed verify, the fix and the LLM answer are one click away.
    text = js(browser, """
        const card = document.querySelectorAll('.card')[3];
        card.querySelector('.head').click();
        const kinds = [...card.querySelectorAll('.item .kind')].map(k => k.textContent);
        const llm = [...card.querySelectorAll('.item-llm_call')][0];
        [...llm.querySelectorAll('summary')].find(s => s.textContent === 'Response').click();
        await tick();
        return [kinds, llm.querySelector('pre').textContent];
    """)  # fmt: skip
    kinds, answer = text
    assert kinds.count("fail") == 1 and kinds.count("pass") == 1 and "fix" in kinds
    assert "=== FILE: textstats/frequency.py ===" in answer
    header = browser.evaluate("document.getElementById('stats').textContent")
    assert "6 / 7 tasks" in header and "2 cached" in header and "up to 2" in header
    js(browser, "document.querySelector('[data-tab=timeline]').click();")
    assert browser.evaluate("document.querySelectorAll('.tl-row.task').length") == 7
    assert browser.evaluate("document.querySelectorAll('.tl-seg.verify.bad').length") == 1
    js(browser, "document.querySelector('[data-tab=cost]').click();")
    assert browser.evaluate("document.querySelectorAll('table.cost tbody tr').length") == 12
    js(browser, "document.querySelector('[data-tab=log]').click();")
    assert browser.evaluate("document.querySelectorAll('.row').length") == len(records)
    detail = js(browser, """
        document.querySelectorAll('.row.t-verify_run.bad')[0].click();
        return document.querySelector('.detail').textContent;
    """)  # fmt: skip
    assert "test_failure" in detail and "stdout" in detail
    shown = js(browser, """
        const select = document.querySelectorAll('.toolbar select')[0];
        select.value = 'llm_call';
        select.dispatchEvent(new Event('change'));
        return document.querySelectorAll('.row').length;
    """)  # fmt: skip
    assert shown == sum(r["event_type"] == "llm_call" for r in records)
    assert browser.console_errors() == []


def test_interrupted_run_is_marked(browser: Browser, tmp_path: Path) -> None:
    page(browser, run_records(2, end=False)[:-2], tmp_path / "cut.html")
    assert "interrupted" in browser.evaluate("document.getElementById('outcome').textContent")
    assert browser.evaluate("document.querySelectorAll('.card.st-interrupted').length") == 2


@pytest.mark.slow
def test_fifty_thousand_events_render_lazily(browser: Browser, tmp_path: Path) -> None:
    base = run_records(1)
    records = [base[0]]
    for n in range(50_000 // 6):
        for record in base[1:-1]:
            copy = json.loads(json.dumps(record))
            copy["data"]["task_id"] = f"{n // 100 + 1}.{n % 100 + 1}"
            records.append(copy)
    page(browser, records, tmp_path / "big.html")
    # Only the first chunk of cards is drawn, and no card body until it is opened.
    assert browser.evaluate("document.querySelectorAll('.card').length") < 400
    assert browser.evaluate("document.querySelectorAll('.card .body').length") == 0
    js(browser, "document.querySelector('[data-tab=log]').click();")
    rows = browser.evaluate("document.querySelectorAll('.row').length")
    assert 0 < rows < 400
    more = js(browser, """
        document.querySelector('#tab-log button.more').click();
        return document.querySelectorAll('.row').length;
    """)  # fmt: skip
    assert more > rows
    assert browser.console_errors() == []
