"""The performance suite of DESIGN.md §9 (not part of the test run).

``python -m benchmarks`` measures every figure of the §9 table (median of several
runs), prints figure / target / measured / pass-fail with the machine's load, and
writes ``benchmarks/results/latest.json``. ``python -m benchmarks --quick`` runs each
benchmark once at a tiny size: the numbers are meaningless, but every benchmark is
proven to work (``tests/test_benchmarks_smoke.py`` does exactly that).

Benchmarks that need an LLM use the loopback server of ``tests/llm_server.py``
through the real client stack; the TUI ones drive the real app headless in a child
process (``python -m benchmarks.child``) so that memory and cold start are its own.
"""
