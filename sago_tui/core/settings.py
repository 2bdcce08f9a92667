"""Resolved settings the engine runs with.

:mod:`sago_tui.config` builds these from flags, the environment, ``.env``,
``sago.toml`` and the user config file; the engine only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Providers whose models litellm knows without a prefix.
_UNPREFIXED_PROVIDERS = frozenset({"", "openai"})


class Secret:
    """A string that never shows itself in ``repr``, ``str`` or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        """The secret value; pass it only to the provider."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class LLMSettings:
    """How to reach the model."""

    provider: str = "openai"
    model: str = "gpt-4o"
    api_key: Secret | None = None
    api_base: str | None = None
    temperature: float = 0.1
    max_tokens: int = 4096
    timeout: float = 120.0
    retries: int = 3
    stream: bool = True
    edit_format: str = "auto"  # auto | whole | diff (DESIGN.md §12)
    replay: Path | None = None
    record: Path | None = None
    first_token_timeout: float | None = None
    idle_timeout: float | None = None
    total_timeout: float | None = None
    api_key_in_file: bool = False

    @property
    def first_token_wait(self) -> float:
        """Streamed answers: seconds to wait for the first chunk (default: ``timeout``)."""
        return self.first_token_timeout or self.timeout

    @property
    def idle_wait(self) -> float:
        """Streamed answers: seconds allowed between two chunks (default: ``timeout``)."""
        return self.idle_timeout or self.timeout

    @property
    def litellm_model(self) -> str:
        """The model string handed to litellm (``provider/model`` unless already prefixed)."""
        if "/" in self.model or self.provider in _UNPREFIXED_PROVIDERS:
            if self.api_base and "/" not in self.model:
                # A custom OpenAI-compatible server: litellm needs the openai/ route.
                return f"openai/{self.model}"
            return self.model
        return f"{self.provider}/{self.model}"


@dataclass(frozen=True)
class RunOptions:
    """How a run behaves (RUN FLAGS of DESIGN.md §2 and ``[run]`` in sago.toml)."""

    parallel: int = 1
    max_retries: int = 2
    auto_retry: bool = False
    git_commit: bool = False
    compress: bool = False
    compressor: str = "sliding_window"
    max_context_tokens: int = 32_000
    compression_threshold: float = 0.75
    use_cache: bool = True
    verify: bool = True
    verify_timeout: float = 300.0
    continue_on_failure: bool = False
    max_cost: float | None = None
    require_approval: bool = False
    strict_spec: bool = False
    check_requirements: bool = True
    yes: bool = False
    trace: bool = False
    sandbox: str = "auto"
    sandbox_network: bool = False
    sandbox_hide: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Everything resolved.

    ``sources`` maps a dotted key (``run.parallel``) to where its value came from;
    ``warnings`` holds non-fatal findings such as unknown keys in sago.toml.
    """

    llm: LLMSettings = field(default_factory=LLMSettings)
    run: RunOptions = field(default_factory=RunOptions)
    log_level: str = "INFO"
    sources: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
