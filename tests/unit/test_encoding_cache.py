"""The per-user cache of parsed tokenizer tables: same counts, never trusted blindly."""

from __future__ import annotations

from pathlib import Path

import pytest
import tiktoken

from sago_tui.core import encoding_cache, tokens

SHA = tokens._ENCODING_FILES["o200k_base"][1]
TEXT = "def value() -> str:\n    return '日本語'  # a comment\n" * 20


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(tokens, "_encoders", {})
    monkeypatch.setattr(tokens, "_memo", type(tokens._memo)())
    return tmp_path / "sago-tui"


def test_first_load_saves_and_the_next_uses_the_saved_tables(cache: Path) -> None:
    tokens._point_tiktoken_at_litellm()  # the reference must read the bundled file too
    reference = len(tiktoken.get_encoding("o200k_base").encode_ordinary(TEXT))
    assert tokens.count_tokens(TEXT, "gpt-4o") == reference
    (saved,) = cache.iterdir()
    assert saved.name.startswith("tiktoken-o200k_base-") and saved.stat().st_size > 1_000_000
    spec = encoding_cache.load("o200k_base", SHA, tiktoken.__version__)
    assert spec is not None and len(spec["mergeable_ranks"]) > 100_000
    tokens._encoders.clear()
    tokens._memo.clear()
    assert tokens.count_tokens(TEXT, "gpt-4o") == reference  # built from the saved tables


def test_damaged_or_foreign_files_are_ignored(cache: Path) -> None:
    tokens.is_exact("gpt-4o")
    (saved,) = cache.iterdir()
    data = bytearray(saved.read_bytes())
    data[-10] ^= 0xFF  # one flipped bit in the tables
    saved.write_bytes(bytes(data))
    assert encoding_cache.load("o200k_base", SHA, tiktoken.__version__) is None
    saved.write_bytes(b"not a cache file")
    assert encoding_cache.load("o200k_base", SHA, tiktoken.__version__) is None
    # Another tiktoken version or source file has its own name: never read across.
    assert encoding_cache.load("o200k_base", SHA, "0.0.0") is None
    assert encoding_cache.load("o200k_base", "0" * 64, tiktoken.__version__) is None
    tokens._encoders.clear()
    assert tokens.is_exact("gpt-4o")  # rebuilt from the bundled file, and saved again
    assert encoding_cache.load("o200k_base", SHA, tiktoken.__version__) is not None


def test_wrong_shapes_are_refused(cache: Path) -> None:
    encoding_cache.save("o200k_base", SHA, "x", {"name": "o200k_base", "pat_str": 1})
    assert not cache.exists() or not any(cache.iterdir())
    assert not encoding_cache._valid({"name": "cl100k_base"}, "o200k_base")
    assert not encoding_cache._valid("text", "o200k_base")


def test_an_unwritable_cache_is_only_slower(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(tokens, "_encoders", {})
    assert tokens.is_exact("gpt-4o")
    assert tokens.count_tokens("hello world", "gpt-4o") == 2
