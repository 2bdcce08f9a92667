"""``--require-approval``: CI runs only a plan a human approved, exactly as approved."""

from __future__ import annotations

import json
from pathlib import Path

from tests.headless.support import T, headless, make_project, no_traceback, sago, write_cassette

PHASES = [[T("1.1", ["out/a.txt"], verify="test -f out/a.txt")]]


def project(tmp_path: Path, *, with_plan: bool = True) -> tuple[Path, Path]:
    root = make_project(tmp_path / "proj", PHASES if with_plan else None)
    return root, write_cassette(tmp_path / "answers.json", PHASES, with_plan=not with_plan)


def test_missing_approval_refuses_with_exit_5_and_the_reason(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root, cassette = project(tmp_path)
    out = tmp_path / "run.json"
    proc = headless(root, env, "--replay", cassette, "--require-approval", "--json", out)
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "not approved (no .planning/approval.json)" in proc.stdout
    assert "sago-tui plan --approve" in proc.stdout
    assert "(exit 5)" in proc.stdout
    no_traceback(proc)
    assert not (root / "out").exists()  # nothing ran
    document = json.loads(out.read_text())
    assert document["exit_status"] == "not_approved"
    assert [(t["id"], t["status"]) for t in document["tasks"]] == [("1.1", "not_run")]
    assert "not approved" in document["tasks"][0]["reason"]


def test_plan_approve_then_an_edit_revokes_the_approval(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root, cassette = project(tmp_path)
    approve = sago(["plan", "--approve", "--path", root], env)
    assert approve.returncode == 0, approve.stdout + approve.stderr
    assert "approved PLAN.md (1 tasks)" in approve.stdout
    approval = json.loads((root / ".planning/approval.json").read_text())
    assert approval["approved_by"] == "cli" and len(approval["plan_hash"]) >= 32

    first = headless(root, env, "--replay", cassette, "--require-approval")
    assert first.returncode == 0, first.stdout + first.stderr

    plan = (root / "PLAN.md").read_text()
    (root / "PLAN.md").write_text(plan.replace("test -f out/a.txt", "true"))
    proc = headless(root, env, "--replay", cassette, "--require-approval")
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "PLAN.md changed after it was approved" in proc.stdout
    no_traceback(proc)


def test_approval_is_required_by_environment_and_by_sago_toml(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root, cassette = project(tmp_path)
    by_env = headless(root, {**env, "REQUIRE_APPROVAL": "true"}, "--replay", cassette)
    assert by_env.returncode == 5, by_env.stdout + by_env.stderr
    (root / "sago.toml").write_text("[run]\nrequire_approval = true\n")
    by_toml = headless(root, env, "--replay", cassette)
    assert by_toml.returncode == 5, by_toml.stdout + by_toml.stderr
    assert not (root / "out").exists()


def test_without_a_plan_it_generates_one_and_stops_for_review(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root, cassette = project(tmp_path, with_plan=False)
    proc = headless(root, env, "--replay", cassette, "--require-approval")
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "plan: 1 phase, 1 task written to PLAN.md" in proc.stdout
    assert "PLAN.md was just generated (1 task)" in proc.stdout
    assert "sago-tui plan --approve" in proc.stdout
    assert (root / "PLAN.md").exists()
    assert not (root / "out").exists()  # the unreviewed plan did not run
    assert not (root / ".planning/approval.json").exists()

    approve = sago(["plan", "--approve", "--path", root], env)
    assert approve.returncode == 0, approve.stdout + approve.stderr
    run = headless(root, env, "--replay", cassette, "--require-approval")
    assert run.returncode == 0, run.stdout + run.stderr
    assert (root / "out/a.txt").exists()
