"""``python -m sago_tui``."""

from sago_tui.cli import main

raise SystemExit(main())
