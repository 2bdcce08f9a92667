"""Export a trace to ONE self-contained HTML file: no server, no network, nothing external.

The page is the template ``trace_template.html`` with its stylesheet and script
inlined and the run embedded as JSON in a ``<script type="application/json">``
block. The seed's dashboard put LLM text into HTML unescaped; here:

* the JSON block escapes ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\uXXXX``, so no
  string in a trace can close the block or open a tag;
* the only text placed into HTML by Python (the title) goes through ``html.escape``;
* the script draws trace strings with ``textContent`` only;
* a Content-Security-Policy allows exactly one script, by its SHA-256 hash, and no
  network access at all (``default-src 'none'``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, cast

from sago_tui import __version__
from sago_tui.core.atomic import atomic_write_bytes
from sago_tui.core.secrets import Redactor
from sago_tui.export.model import run_to_json
from sago_tui.export.summary import summarize_records

PAYLOAD_VERSION = 1
_PLACEHOLDER = re.compile(r"@@([A-Z]+)@@")
# Characters that could end the JSON block or be read as markup, as JSON escapes.
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def _asset(name: str) -> str:
    return (resources.files("sago_tui.export") / name).read_text(encoding="utf-8")


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities (valid in Python's JSON, not in a browser's) as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside ``<script type="application/json">``."""
    options: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":"), "default": str}
    try:
        raw = json.dumps(value, allow_nan=False, **options)
    except ValueError:  # a NaN somewhere: rare, so only then pay for a full walk
        raw = json.dumps(_finite(value), allow_nan=False, **options)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], raw)


def csp_for(script: str) -> str:
    """The page's Content-Security-Policy: only this exact script runs; no network."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_html(records: Iterable[dict[str, Any]], *, title: str) -> str:
    """The whole page as text."""
    rows = [r for r in records if isinstance(r, dict)]
    run = summarize_records(rows)
    script = _asset("trace_view.js")
    style = _asset("trace_view.css")
    # The assets are ours, but a stray closing tag in them would break the page open.
    if re.search(r"</script|<!--", script, re.IGNORECASE) or "</style" in style.lower():
        raise RuntimeError("trace_view assets must not contain </script, <!-- or </style")
    payload = {
        "version": PAYLOAD_VERSION,
        "generator": f"sago-tui {__version__}",
        "summary": run_to_json(run),
        "records": rows,
    }
    values = {
        "CSP": html.escape(csp_for(script), quote=True),
        "GENERATOR": html.escape(f"sago-tui {__version__}", quote=True),
        "TITLE": html.escape(title, quote=True),
        "STYLE": style,
        "DATA": script_json(payload),
        "SCRIPT": script,
    }
    # One pass over the template: text substituted in is never scanned for placeholders.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("trace_template.html"))


def export_html(records: Iterable[dict[str, Any]], out: Path, *, title: str) -> Path:
    """Write the trace view of ``records`` to ``out`` (atomically); returns ``out``.

    Traces are redacted when written; the secrets of the environment exporting the
    page are redacted again here, since a page is made to be shared.
    """
    redactor = Redactor.from_environment()
    clean = (cast(dict[str, Any], redactor.redact_data(record)) for record in records)
    page = render_html(clean, title=title)
    # A lone surrogate (from a "\\udXXX" escape in the trace) cannot be UTF-8: written as
    # the same JSON escape, it stays valid inside the data block's strings.
    atomic_write_bytes(out, page.encode("utf-8", errors="backslashreplace"))
    return out
