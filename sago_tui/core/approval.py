"""Plan approval, stored in ``.planning/approval.json`` and bound to PLAN.md's hash.

Editing PLAN.md after approving it changes the hash, so the approval no longer
counts: ``--require-approval`` then refuses to run (exit 5).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.plan import Plan, PlanIssue, plan_hash
from sago_tui.core.project import Project


@dataclass(frozen=True)
class Approval:
    """A recorded approval; ``skipped`` tasks will not run."""

    plan_hash: str
    approved_at: str
    approved_by: str
    skipped: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_hash": self.plan_hash,
            "approved_at": self.approved_at,
            "approved_by": self.approved_by,
            "skipped": sorted(self.skipped),
        }


@dataclass(frozen=True)
class ApprovalStatus:
    """Whether PLAN.md (as it is now) is approved, and why not."""

    valid: bool
    reason: str
    approval: Approval | None = None


@dataclass(frozen=True)
class ApprovalDecision:
    """An answer from whoever reviews a plan (the TUI, a prompt, ``--yes``).

    ``feedback`` asks for the plan to be regenerated with that text.
    """

    approved: bool
    skipped: frozenset[str] = field(default_factory=frozenset)
    feedback: str | None = None


Approver = Callable[[Plan, list[PlanIssue]], ApprovalDecision]
"""Called by the orchestrator with a fresh plan; may block until a human answers."""


def load_approval(project: Project) -> Approval | None:
    """The recorded approval, or None when missing or unreadable."""
    try:
        raw = json.loads(project.approval_path.read_text(encoding="utf-8"))
        return Approval(
            plan_hash=str(raw["plan_hash"]),
            approved_at=str(raw.get("approved_at", "")),
            approved_by=str(raw.get("approved_by", "")),
            skipped=frozenset(str(t) for t in raw.get("skipped", [])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_approval(
    project: Project, plan_text: str, *, approved_by: str, skipped: Collection[str] = ()
) -> Approval:
    """Record approval of ``plan_text`` (PLAN.md's current content)."""
    approval = Approval(
        plan_hash=plan_hash(plan_text),
        approved_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        approved_by=approved_by,
        skipped=frozenset(skipped),
    )
    project.planning_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(project.approval_path, json.dumps(approval.to_json(), indent=2) + "\n")
    return approval


def check_approval(project: Project, plan_text: str) -> ApprovalStatus:
    """Is the current PLAN.md approved?"""
    approval = load_approval(project)
    if approval is None:
        return ApprovalStatus(
            False,
            "PLAN.md is not approved (no .planning/approval.json); review it in the app "
            "or run `sago-tui plan --approve`",
        )
    if approval.plan_hash != plan_hash(plan_text):
        return ApprovalStatus(
            False,
            f"PLAN.md changed after it was approved ({approval.approved_at}); "
            "approve it again in the app or with `sago-tui plan --approve`",
            approval,
        )
    return ApprovalStatus(
        True, f"approved {approval.approved_at} by {approval.approved_by}", approval
    )
