"""README.md, --help and the code stay in step."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from sago_tui.cli import COMMANDS, command_parser, session_parser
from sago_tui.config import describe_keys

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def _long_options(parser: argparse.ArgumentParser) -> set[str]:
    options = {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options |= _long_options(sub)
    return options


def test_every_flag_is_documented_in_the_readme() -> None:
    flags = _long_options(session_parser()) | _long_options(command_parser())
    missing = sorted(
        flag for flag in flags if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", README)
    )
    assert not missing, f"flags missing from README.md: {missing}"


def test_every_setting_is_documented_in_the_readme() -> None:
    for key in describe_keys():
        if key.toml_key is not None:
            label = f"[{key.table}] {key.toml_key}" if key.table else key.toml_key
            assert label in README, f"README.md does not document {label}"
        for name in (*key.env, *key.fallback_env):
            assert name in README, f"README.md does not document {name}"


def test_every_command_is_in_help_and_readme() -> None:
    help_text = session_parser().format_help()
    for command in COMMANDS:
        assert f"\n  {command}" in help_text, f"--help does not list {command}"
        assert f"sago-tui {command}" in README, f"README.md does not show sago-tui {command}"
