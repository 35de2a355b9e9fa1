"""Which programs a 择高 exclusion may name. The registry does not know the subsidy programs (they live a layer
above); the subsidies app registers the list in its AppConfig.ready()."""

from collections.abc import Callable

_provider: Callable[[], list[tuple[str, str]]] | None = None


def register_exclusion_programs(provider: Callable[[], list[tuple[str, str]]]) -> None:
    global _provider
    _provider = provider


def exclusion_program_choices() -> list[tuple[str, str]]:
    """(code, name) of every program a similar allowance may replace; empty when no provider is registered."""
    return list(_provider()) if _provider else []
