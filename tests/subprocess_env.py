"""A clean environment for running ``sago-tui`` in a subprocess (tests and benchmarks)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def isolated_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A minimal environment: a private HOME and user config dir, no inherited secrets,
    no LLM settings, and the repository importable; ``extra`` goes on top."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    env.update(extra or {})
    return env


def run_sago(
    args: Sequence[str | Path], env: Mapping[str, str], *, cwd: Path | None = None, timeout: float
) -> subprocess.CompletedProcess[str]:
    """``python -m sago_tui ARGS`` to completion, stdin closed, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "sago_tui", *map(str, args)],
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
