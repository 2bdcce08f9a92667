"""PLAN.md parsing: tolerance, line numbers, structural errors, load_plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.core.errors import PlanError
from sago_tui.core.plan_parser import load_plan, parse_plan

PRE = "# PLAN\n\nIntro line.\n\n"  # 4 lines: the fence opener is line 5, <phases> line 6


def task(
    task_id: str = "1.1",
    *,
    files: str = "src/a.py",
    action: str = "Write it.",
    verify: str = "python -m pytest -q",
    name: str = "Do a thing",
    extra: str = "",
) -> str:
    return (
        f'    <task id="{task_id}"{extra}>\n'
        f"      <name>{name}</name>\n"
        f"      <files>{files}</files>\n"
        f"      <action>{action}</action>\n"
        f"      <verify>{verify}</verify>\n"
        f"      <done>Works</done>\n"
        f"    </task>\n"
    )


def doc(*tasks: str, phase: str = "Phase 1: Setup", post: str = "\nAfter.\n") -> str:
    body = "".join(tasks)
    return (
        f'{PRE}```xml\n<phases>\n  <phase name="{phase}">\n{body}  </phase>\n</phases>\n```\n{post}'
    )


def errors_of(text: str) -> list[str]:
    with pytest.raises(PlanError) as info:
        parse_plan(text)
    return info.value.problems


def test_parses_fields_lines_and_surrounding_markdown() -> None:
    text = doc(task("1.1"), task("1.2", extra=' depends_on="1.1"'))
    plan, warnings = parse_plan(text)
    assert warnings == []
    assert [p.name for p in plan.phases] == ["Phase 1: Setup"]
    assert plan.phases[0].line == 7
    first, second = plan.tasks
    assert (first.id, first.name, first.files, first.action) == (
        "1.1",
        "Do a thing",
        ["src/a.py"],
        "Write it.",
    )
    assert (first.verify, first.done, first.phase, first.line) == (
        "python -m pytest -q",
        "Works",
        "Phase 1: Setup",
        8,
    )
    assert second.line == 15 and second.depends_on == ["1.1"]
    assert plan.preamble == PRE
    assert plan.postamble == "\nAfter.\n"


def test_files_split_on_commas_and_newlines() -> None:
    files = "./src/a.py, src/b.py,\n        src/c.py\n        ./././d.py,, ,\n      "
    plan, _ = parse_plan(doc(task(files=files)))
    assert plan.tasks[0].files == ["src/a.py", "src/b.py", "src/c.py", "d.py"]


def test_depends_on_splits_on_commas_and_whitespace() -> None:
    text = doc(task("1.1"), task("1.2"), task("1.3", extra=' depends_on=" 1.1,1.2 ,  "'))
    assert parse_plan(text)[0].tasks[2].depends_on == ["1.1", "1.2"]
    text = doc(task("1.1"), task("1.2"), task("1.3", extra=' depends_on="1.1 1.2"'))
    assert parse_plan(text)[0].tasks[2].depends_on == ["1.1", "1.2"]


def test_bare_ampersand_and_less_than_are_text() -> None:
    verify = 'test 1 < 2 && python -c "import a" & wait'
    action = "if a < b && c > d: use <div> and &nbsp; and <name> literally"
    plan, _ = parse_plan(doc(task(verify=verify, action=action)))
    assert plan.tasks[0].verify == verify
    assert plan.tasks[0].action == action


def test_entities_and_character_references_decode() -> None:
    plan, _ = parse_plan(
        doc(task(name="A &amp; B &lt;c&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;"))
    )
    assert plan.tasks[0].name == "A & B <c> \"q\" 's' AB"


def test_invalid_character_reference_is_kept_as_text() -> None:
    plan, _ = parse_plan(doc(task(name="x &#0; &#xD800; &#99999999; &unknown;")))
    assert plan.tasks[0].name == "x &#0; &#xD800; &#99999999; &unknown;"


def test_fence_inside_action_does_not_cut_the_block() -> None:
    action = "\n        Create:\n        ```python\n        print('hi')\n        ```\n      "
    text = doc(task("1.1", action=action), task("1.2", files="src/b.py"), post="\n```\nx\n```\n")
    plan, _ = parse_plan(text)
    assert [t.id for t in plan.tasks] == ["1.1", "1.2"]
    assert plan.tasks[0].action == "Create:\n```python\nprint('hi')\n```"
    assert plan.postamble == "\n```\nx\n```\n"


@pytest.mark.parametrize("fence", ["~~~", "````", "~~~~~"])
def test_other_fences(fence: str) -> None:
    text = doc(task()).replace("```xml", f"{fence}xml").replace("```\n\nAfter", f"{fence}\n\nAfter")
    plan, warnings = parse_plan(text)
    assert plan.tasks[0].id == "1.1" and warnings == []
    assert plan.postamble == "\nAfter.\n"


def test_xml_fence_earlier_without_phases_is_skipped() -> None:
    example = "Example:\n```xml\n<config/>\n```\n"
    text = doc(task()).replace("Intro line.\n", "Intro line.\n" + example)
    plan, _ = parse_plan(text)
    assert plan.preamble.endswith(example + "\n")
    assert plan.tasks[0].line == 12


def test_empty_and_missing_elements_are_empty_strings() -> None:
    text = doc(
        '    <task id="1.1">\n      <name>N</name>\n      <files>a.py</files>\n'
        "      <action>x</action>\n      <verify/>\n    </task>\n"
        '    <task id="1.2">\n      <name>M</name><files>b.py</files><action>y</action>'
        "<verify></verify><done>  </done>\n    </task>\n"
    )
    plan, warnings = parse_plan(text)
    assert [(t.verify, t.done) for t in plan.tasks] == [("", ""), ("", "")]
    assert [str(w) for w in warnings] == [
        "PLAN.md:8: task 1.1: <verify> is empty, so nothing checks this task",
        "PLAN.md:14: task 1.2: <verify> is empty, so nothing checks this task",
    ]


def test_multiline_text_is_dedented_keeping_relative_indentation() -> None:
    block = "\n        def f():\n            return 1\n\n        f()\n      "
    inline = "First line\n        second\n          third\n      "
    plan, _ = parse_plan(doc(task("1.1", action=block), task("1.2", action=inline, files="b")))
    assert plan.tasks[0].action == "def f():\n    return 1\n\nf()"
    assert plan.tasks[1].action == "First line\nsecond\n  third"


def test_cdata_is_taken_verbatim() -> None:
    plan, _ = parse_plan(doc(task(action="<![CDATA[keep </action> & &amp; as is]]> then &amp;")))
    assert plan.tasks[0].action == "keep </action> & &amp; as is then &"


def test_comments_and_declaration_are_allowed_between_elements() -> None:
    text = doc(task()).replace("<phases>\n", '<?xml version="1.0"?>\n<phases>\n  <!-- note -->\n')
    text = text.replace("      <files>", "      <!-- files: -->\n      <files>")
    plan, warnings = parse_plan(text)
    assert plan.tasks[0].files == ["src/a.py"] and warnings == []


def test_phase_description_and_self_closing_phase() -> None:
    text = doc(task()).replace(
        '  <phase name="Phase 1: Setup">\n',
        '  <phase name="Zero"/>\n  <phase name="Phase 1: Setup">\n'
        "    <description>\n      Sets up.\n      Twice.\n    </description>\n",
    )
    plan, warnings = parse_plan(text)
    assert [p.name for p in plan.phases] == ["Zero", "Phase 1: Setup"]
    assert plan.phases[1].description == "Sets up.\nTwice."
    assert [str(w) for w in warnings] == ["PLAN.md:7: phase 'Zero' has no tasks"]


def test_crlf_and_bom_keep_line_numbers() -> None:
    text = "\ufeff" + doc(task("1.1"), task("1.1")).replace("\n", "\r\n")
    assert errors_of(text) == ["PLAN.md:15: task 1.1: duplicate id 1.1 (first defined at line 8)"]


def test_unknown_attribute_and_prolog_text_are_warnings() -> None:
    text = doc(task(extra=' owner="me"')).replace("```xml\n", "```xml\nHere it is:\n")
    plan, warnings = parse_plan(text)
    assert plan.tasks[0].id == "1.1"
    assert [str(w) for w in warnings] == [
        "PLAN.md:6: text before <phases> in the xml block is ignored",
        "PLAN.md:9: unknown attribute owner on <task> ignored",
    ]


def test_missing_closing_fence_keeps_the_rest_as_postamble() -> None:
    text = doc(task(), post="").removesuffix("```\n") + "\n## Notes\n"
    plan, warnings = parse_plan(text)
    assert plan.postamble == "\n## Notes\n"
    assert [w.message for w in warnings] == [
        "the ```xml block has no closing fence after </phases>"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# PLAN\n\nnothing here\n", "PLAN.md:1: no ```xml block with <phases> found"),
        ("# PLAN\n\n```xml\n<plan/>\n```\n", "PLAN.md:3: the ```xml block has no <phases> element"),
        (
            "# PLAN\n\n<phases></phases>\n",
            "PLAN.md:3: <phases> is not inside a ```xml fenced block",
        ),
    ],
)
def test_missing_block(text: str, problem: str) -> None:
    assert errors_of(text) == [problem]


def test_error_message_is_one_line_summary_with_first_problem() -> None:
    text = doc(task("1.1", files=""), task("1.2", action=""))
    with pytest.raises(PlanError) as info:
        parse_plan(text)
    assert info.value.problems == [
        "PLAN.md:8: task 1.1: <files> is empty",
        "PLAN.md:15: task 1.2: <action> is empty",
    ]
    assert str(info.value) == "PLAN.md has 2 errors: PLAN.md:8: task 1.1: <files> is empty"
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "      <done>Works</done>\n    </task>\n  </phase>",
            "      <done>Works</done>\n  </phase>",
            "PLAN.md:8: task 1.1: <task> is not closed before </phase>",
        ),
        (
            "<action>Write it.</action>",
            "<action>Write it.",
            "PLAN.md:11: task 1.1: <action> is not closed before </task>",
        ),
        (
            "      <done>Works</done>",
            "      <notes>x</notes>",
            "PLAN.md:13: task 1.1: unexpected <notes> in <task> "
            "(expected <name>, <files>, <action>, <verify>, <done>)",
        ),
        (
            "      <done>Works</done>",
            "      Stray words",
            "PLAN.md:13: task 1.1: unexpected text 'Stray words' in <task>",
        ),
        (
            "      <done>Works</done>",
            "      <name>Again</name>",
            "PLAN.md:13: task 1.1: <name> appears twice in <task>",
        ),
        (
            '<task id="1.1">',
            '<task id="1.1" broken>',
            'PLAN.md:8: malformed <task> tag (attributes must look like key="value")',
        ),
        (
            '<task id="1.1">',
            '<task id="1.1" id="2">',
            "PLAN.md:8: <task> has the attribute id twice",
        ),
        (
            "    </task>\n  </phase>\n</phases>\n```",
            "    </task>\n  </phase>\n```",
            "PLAN.md:6: <phases> is never closed",
        ),
        (
            '  <phase name="Phase 1: Setup">\n',
            "",
            "PLAN.md:7: unexpected <task> in <phases> (expected <phase>)",
        ),
        (
            "<phases>\n",
            '<phases>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n',
            "PLAN.md:7: unexpected '<!DOCTYPE x [<!ENTITY a \"aaaa\">' in <phases>",
        ),
        (
            "      <done>Works</done>\n    </task>",
            "      <done>Works</done>\n    </phase>\n    </task>",
            "PLAN.md:8: task 1.1: <task> is not closed before </phase>",
        ),
        (
            "      <done>Works</done>",
            "      </verify>",
            "PLAN.md:13: task 1.1: unexpected </verify> in <task>",
        ),
    ],
)
def test_structural_errors_name_the_line(old: str, new: str, problem: str) -> None:
    text = doc(task())
    assert old in text
    assert errors_of(text.replace(old, new, 1)) == [problem]


def test_load_plan_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.md"
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value) == f"PLAN.md not found at {path}; run `sago-tui plan` to generate it"


def test_load_plan_invalid_utf8_names_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.md"
    path.write_bytes(b"# PLAN\n\xff\xfe")
    with pytest.raises(PlanError, match=r"not valid UTF-8 \(byte offset 7\)"):
        load_plan(path)


def test_load_plan_reads_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.md"
    path.write_text(doc(task()), encoding="utf-8")
    plan, warnings = load_plan(path)
    assert [t.id for t in plan.tasks] == ["1.1"] and warnings == []


@pytest.mark.parametrize(
    "text",
    [
        "```xml\n<phases>\n" + "<phase name='x'>" * 200_000,
        "```xml\n<phases>\n<phase name='p'><task id='1'><action>" + "<task " * 500_000,
        "```xml\n" * 300_000 + "<phases",
        "```xml\n<phases>\n<phase name='" + "a" * 3_000_000,
        "```xml\n<phases>\n<phase name='p'><task id='1'><name>" + "</x " * 500_000,
        "~~~\n" * 200_000 + "```\n<?xml " + "x" * 1_000_000,
        "```xml\n<phases>" + "&#99999;&amp" * 300_000 + "</phases>\n```\n",
    ],
    ids=["nested", "tags-in-text", "openers", "long-attr", "bad-closers", "fences", "entities"],
)
def test_hostile_input_gives_plan_error(text: str) -> None:
    with pytest.raises(PlanError):
        parse_plan(text)


def test_ten_megabytes_of_repeated_tasks() -> None:
    tasks = "".join(task(f"1.{n}", files=f"f{n}.py") for n in range(1, 21))
    text = doc(tasks * 2_700)  # duplicate ids: ~10 MB that parses and then fails validation
    assert len(text) > 10_000_000
    problems = errors_of(text)
    assert problems[0] == "PLAN.md:148: task 1.1: duplicate id 1.1 (first defined at line 8)"
