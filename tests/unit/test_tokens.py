"""Token counting: exact via litellm's bundled tiktoken encodings, offline, else ceil(len/4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sago_tui.core import tokens
from sago_tui.core.tokens import count_tokens, is_exact, tokenizer_name

JAPANESE = "日本語のテキストです"  # 7 tokens in o200k_base, 9 in cl100k_base


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o", "o200k_base"),
        ("gpt-4o-mini", "o200k_base"),
        ("openai/gpt-4o-2024-08-06", "o200k_base"),
        ("azure/gpt-4.1-mini", "o200k_base"),
        ("gpt-4.5-preview", "o200k_base"),
        ("gpt-5", "o200k_base"),
        ("o1-mini", "o200k_base"),
        ("o3", "o200k_base"),
        ("o4-mini", "o200k_base"),
        ("chatgpt-4o-latest", "o200k_base"),
        ("gpt-4", "cl100k_base"),
        ("gpt-4-turbo", "cl100k_base"),
        ("openai/gpt-4-0613", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
        ("text-embedding-3-small", "cl100k_base"),
        ("claude-sonnet-4-5-20250929", None),
        ("gemini/gemini-2.0-flash", None),
        ("ollama/llama3", None),
        ("anthropic/gpt-4o-lookalike", None),
        ("", None),
    ],
)
def test_tokenizer_name_table(model: str, expected: str | None) -> None:
    assert tokenizer_name(model) == expected


def test_exact_count_matches_tiktoken_with_the_same_encoding() -> None:
    text = "def add(a, b):\n    return a + b\n" * 50 + JAPANESE
    ours = count_tokens(text, "gpt-4o")
    import tiktoken  # after our call, so the bundled cache dir is already in effect

    assert ours == len(tiktoken.get_encoding("o200k_base").encode_ordinary(text))
    assert count_tokens(text, "gpt-4") == len(
        tiktoken.get_encoding("cl100k_base").encode_ordinary(text)
    )
    assert is_exact("gpt-4o") and is_exact("openai/gpt-3.5-turbo")


def test_the_model_picks_the_encoding() -> None:
    assert count_tokens("hello world", "gpt-4o") == 2
    assert count_tokens(JAPANESE, "gpt-4o") == 7
    assert count_tokens(JAPANESE, "gpt-4") == 9


def test_special_token_text_is_counted_as_plain_text() -> None:
    assert count_tokens("<|endoftext|>", "gpt-4o") > 1


@pytest.mark.parametrize(("length", "expected"), [(0, 0), (1, 1), (4, 1), (5, 2), (400, 100)])
def test_unknown_models_use_ceil_len_over_4(length: int, expected: int) -> None:
    assert count_tokens("x" * length, "claude-sonnet-4-5-20250929") == expected
    assert not is_exact("claude-sonnet-4-5-20250929")


def test_long_texts_are_memoised(monkeypatch: pytest.MonkeyPatch) -> None:
    real = tokens._encoder("o200k_base")
    assert real is not None
    calls: list[int] = []

    class Spy:
        name = "spy_base"

        def encode_ordinary(self, text: str) -> list[int]:
            calls.append(len(text))
            return real.encode_ordinary(text)

    monkeypatch.setitem(tokens._encoders, "o200k_base", Spy())
    text = "spec line\n" * 500
    first = count_tokens(text, "gpt-4o")
    second = count_tokens("".join(["spec line\n"] * 500), "gpt-4o")  # equal text, new object
    assert first == second == len(real.encode_ordinary(text))
    assert calls == [len(text)]
    count_tokens(text + "!", "gpt-4o")
    assert len(calls) == 2


def test_missing_or_damaged_encoding_file_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tokens, "_encoders", {})
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    assert count_tokens("x" * 40, "gpt-4o") == 10
    assert not is_exact("gpt-4o")
    # A file under tiktoken's cache name but with the wrong bytes must not trigger a download.
    (tmp_path / "fb374d419588a4632f3f557e76b4b70aebbca790").write_bytes(b"damaged")
    monkeypatch.setattr(tokens, "_encoders", {})
    assert count_tokens("x" * 40, "gpt-4o") == 10


def _run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def _clean_env(**extra: str) -> dict[str, Any]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")
    }
    env.update(extra)
    return env


def test_importing_tokens_loads_neither_tiktoken_nor_litellm() -> None:
    proc = _run(
        """
        import sys
        import sago_tui.core.tokens
        print(sorted(m for m in ("tiktoken", "litellm") if m in sys.modules))
        """,
        _clean_env(),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_exact_counts_work_offline_from_litellms_bundled_files(tmp_path: Path) -> None:
    # Any connection attempt raises; proxies point at a closed port on top of that.
    proc = _run(
        """
        import os, socket, sys
        def refuse(*args, **kwargs):
            raise RuntimeError("network used")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from sago_tui.core.tokens import count_tokens, is_exact
        text = "日本語のテキストです"
        print(count_tokens(text, "gpt-4o"), count_tokens(text, "gpt-4"))
        print(is_exact("gpt-4o"), "litellm" in sys.modules)
        print(os.environ["TIKTOKEN_CACHE_DIR"])
        """,
        _clean_env(
            HTTPS_PROXY="http://127.0.0.1:9",
            HTTP_PROXY="http://127.0.0.1:9",
            TMPDIR=str(tmp_path),  # tiktoken's default cache would live here: keep it empty
        ),
    )
    assert proc.returncode == 0, proc.stderr
    counts, flags, cache_dir = proc.stdout.strip().splitlines()
    assert counts == "7 9"
    assert flags == "True False"
    assert cache_dir.endswith(os.path.join("litellm", "litellm_core_utils", "tokenizers"))
    assert not any(tmp_path.iterdir())


def test_a_user_cache_dir_is_respected(tmp_path: Path) -> None:
    bundled = Path(
        _run(
            "import sago_tui.core.tokens as t, os; t._point_tiktoken_at_litellm(); "
            "print(os.environ['TIKTOKEN_CACHE_DIR'])",
            _clean_env(),
        ).stdout.strip()
    )
    shutil.copy(bundled / "fb374d419588a4632f3f557e76b4b70aebbca790", tmp_path)
    proc = _run(
        """
        import os
        from sago_tui.core.tokens import count_tokens
        print(count_tokens("hello world", "gpt-4o"), count_tokens("hello world", "gpt-4"))
        print(os.environ["TIKTOKEN_CACHE_DIR"])
        """,
        _clean_env(TIKTOKEN_CACHE_DIR=str(tmp_path), HTTPS_PROXY="http://127.0.0.1:9"),
    )
    assert proc.returncode == 0, proc.stderr
    counts, cache_dir = proc.stdout.strip().splitlines()
    # o200k is in the user's folder: exact; cl100k is not: approximate, no download.
    assert counts == "2 3"
    assert cache_dir == str(tmp_path)


def test_nowait_counts_approximate_until_the_background_load_is_done() -> None:
    proc = _run(
        """
        import sys, threading
        from sago_tui.core import tokens
        text = "def double(value: int) -> int:\\n    return 2 * value\\n" * 20
        before = tokens.count_tokens_nowait(text, "gpt-4o")
        assert "tiktoken" not in sys.modules, "a pre-call estimate must not load tiktoken"
        assert before == tokens.approximate_tokens(text), before
        tokens.load_in_background("gpt-4o")
        tokens.load_in_background("openai/gpt-4o")  # the same encoding: one load
        loaders = [t for t in threading.enumerate() if t.name == "sago-tokenizer"]
        assert len(loaders) == 1, loaders
        loaders[0].join(60)
        after = tokens.count_tokens_nowait(text, "gpt-4o")
        import tiktoken
        assert after == len(tiktoken.get_encoding("o200k_base").encode_ordinary(text))
        assert after != before
        tokens.load_in_background("claude-3-5-sonnet")  # no known encoding: nothing to load
        assert not [t for t in threading.enumerate() if t.name == "sago-tokenizer"]
        print("ok")
        """,
        _clean_env(),
    )
    assert proc.stdout.strip() == "ok", proc.stderr
