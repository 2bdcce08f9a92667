"""Token counting: exact with tiktoken where the model's encoding is known, else approximate.

The encodings come from the copies litellm ships (``litellm/litellm_core_utils/tokenizers/``,
stored under tiktoken's own cache names), so counting never needs the network. tiktoken is
imported lazily, on the first exact count, and the bundled folder is found without importing
litellm (which takes seconds).
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tiktoken import Encoding

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/"
# Encoding name → (tiktoken's download URL, its published sha256). tiktoken names cache
# files by sha1(URL) and re-downloads a file whose sha256 differs, so both are checked here
# before tiktoken is asked: a missing or damaged file means "approximate", never a download.
_ENCODING_FILES: dict[str, tuple[str, str]] = {
    "o200k_base": (
        _BLOB + "o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        _BLOB + "cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}
_O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o")
_CL100K_PREFIXES = ("gpt-4", "gpt-3.5", "text-embedding-3")
_PROVIDER_PREFIXES = ("openai/", "azure/")

CHARS_PER_TOKEN = 4
"""The approximation used when no tokenizer is known: one token per 4 characters."""

_MEMO_MIN_CHARS = 256  # shorter texts tokenize faster than they hash
_MEMO_SIZE = 4096
_memo: OrderedDict[tuple[str, int, bytes], int] = OrderedDict()
_memo_lock = threading.Lock()
_encoders: dict[str, Encoding | None] = {}
_load_lock = threading.Lock()
_background: set[str] = set()  # encodings whose background load has been started
_background_lock = threading.Lock()


def tokenizer_name(model: str) -> str | None:
    """The tiktoken encoding of ``model`` (``o200k_base``/``cl100k_base``), or None if unknown."""
    name = model.strip().lower()
    for prefix in _PROVIDER_PREFIXES:
        name = name.removeprefix(prefix)
    name = name.removeprefix("ft:")  # fine-tuned models: ft:gpt-4o-mini:org::id
    if name.startswith(_O200K_PREFIXES):
        return "o200k_base"
    if name.startswith(_CL100K_PREFIXES):
        return "cl100k_base"
    return None


def approximate_tokens(text: str) -> int:
    """``ceil(len(text) / 4)``: characters (code points) divided by four, rounded up."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def count_tokens(text: str, model: str) -> int:
    """Tokens in ``text`` for ``model``.

    Exact (tiktoken's ``encode_ordinary``, special-token text counted as plain text) when
    :func:`tokenizer_name` knows the model's encoding and the bundled encoding file loads.
    Otherwise the documented approximation ``ceil(len(text) / 4)`` — one token per four
    characters. Never raises and never touches the network. Results for texts of 256
    characters or more are memoised, since the same spec and tree are counted for every task.
    """
    encoding = _encoder(tokenizer_name(model))
    if encoding is None:
        return approximate_tokens(text)
    if len(text) < _MEMO_MIN_CHARS:
        return _exact(encoding, text)
    # A 128-bit digest keys the memo so large texts are not kept alive by it.
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    key = (encoding.name, len(text), digest)
    with _memo_lock:
        cached = _memo.get(key)
        if cached is not None:
            _memo.move_to_end(key)
            return cached
    count = _exact(encoding, text)
    with _memo_lock:
        _memo[key] = count
        if len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return count


def count_tokens_nowait(text: str, model: str) -> int:
    """:func:`count_tokens`, but the approximation while the model's tokenizer is not loaded.

    Loading an encoding holds the interpreter for ~0.3 s (its tables are parsed in one
    call that never yields), which at the start of a run would hold back every first
    request; a pre-call estimate does not need to wait for it (see
    :func:`load_in_background`).
    """
    name = tokenizer_name(model)
    if name is not None and name not in _encoders:
        return approximate_tokens(text)
    return count_tokens(text, model)


def load_in_background(model: str) -> None:
    """Load ``model``'s tokenizer in a daemon thread, once (a no-op when loaded or unknown).

    Meant for a moment when the process waits anyway, e.g. on the model's answer.
    """
    name = tokenizer_name(model)
    if name is None or name in _encoders:
        return
    with _background_lock:
        if name in _background:
            return
        _background.add(name)
    threading.Thread(target=_encoder, args=(name,), name="sago-tokenizer", daemon=True).start()


def _exact(encoding: Encoding, text: str) -> int:
    try:
        return len(encoding.encode_ordinary(text))
    except Exception:  # e.g. text tiktoken cannot encode: an estimate beats a crash
        return approximate_tokens(text)


def is_exact(model: str) -> bool:
    """True when counts for ``model`` come from its real tokenizer, not the approximation."""
    return _encoder(tokenizer_name(model)) is not None


def _encoder(name: str | None) -> Encoding | None:
    """The loaded encoding ``name``, loaded once per process; None when unavailable."""
    if name is None:
        return None
    if name in _encoders:
        return _encoders[name]
    with _load_lock:  # one load (~0.2 s) even when parallel tasks ask at once
        if name not in _encoders:
            _encoders[name] = _load_encoding(name)
        return _encoders[name]


def _load_encoding(name: str) -> Encoding | None:
    _point_tiktoken_at_litellm()
    if not _cached_file_ok(name):
        return None
    try:
        import tiktoken

        return _build(tiktoken, name)
    except Exception:  # any failure (corrupt file, tiktoken change) means "approximate"
        return None


def _build(tiktoken: Any, name: str) -> Encoding:
    """``tiktoken.get_encoding(name)`` for the checked bundled file, its parsed tables read
    from the user's cache when an earlier start saved them
    (:mod:`sago_tui.core.encoding_cache`): decoding the file is most of the load."""
    from sago_tui.core import encoding_cache

    sha256, version = _ENCODING_FILES[name][1], str(tiktoken.__version__)
    spec = encoding_cache.load(name, sha256, version)
    if spec is None:
        from tiktoken_ext.openai_public import ENCODING_CONSTRUCTORS

        spec = ENCODING_CONSTRUCTORS[name]()
        encoding_cache.save(name, sha256, version, spec)
    encoding: Encoding = tiktoken.Encoding(**spec)
    return encoding


def _point_tiktoken_at_litellm() -> None:
    """Set ``TIKTOKEN_CACHE_DIR`` to litellm's bundled encodings unless the user chose one."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        return
    try:
        # find_spec of a top-level package locates it without executing its __init__.
        spec = importlib.util.find_spec("litellm")
    except (ImportError, ValueError):
        return
    if spec is None or not spec.submodule_search_locations:
        return
    for location in spec.submodule_search_locations:
        folder = Path(location) / "litellm_core_utils" / "tokenizers"
        if folder.is_dir():
            os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
            return


def _cached_file_ok(name: str) -> bool:
    """True when the folder tiktoken will read holds an intact copy of encoding ``name``."""
    url, sha256 = _ENCODING_FILES[name]
    # The same lookup order as tiktoken.load.read_file_cached.
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        folder = os.environ["TIKTOKEN_CACHE_DIR"]
    elif "DATA_GYM_CACHE_DIR" in os.environ:
        folder = os.environ["DATA_GYM_CACHE_DIR"]
    else:
        folder = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    if not folder:  # an empty cache dir makes tiktoken download every time
        return False
    path = Path(folder) / hashlib.sha1(url.encode()).hexdigest()
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False
