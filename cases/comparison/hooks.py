"""What upper apps contribute to a comparison, registered from their AppConfig.ready() like the person panels.

The registry does not know the subsidy rules (it sits below them), so:

- money effects: `@register_money_effects` registers `func(*, changes, what_if) -> {person_id: [effect, ...]}`.
  `changes` maps each person id to the first day their change takes effect; `what_if(person_ids)` is a context
  manager inside which the findings of those persons are applied through the registry services (and undone after),
  so the rules judge the changed registry exactly as the next payment run will. An effect is a dict:
  {"program": "护理补贴", "stop": "2026-12", "recover": ["2026-10", "2026-11"], "amount": "160.00"},
  {"program": "生活补贴", "resume": "2026-12"} or {"program": "生活补贴", "candidate": True}.
- panels on the comparison page: `@register_comparison_panel(order=...)` registers
  `func(request, comparison) -> ComparisonPanel | None` (the 应补尽补 candidates, say).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string

_EFFECTS: list[tuple[str, Callable]] = []
_PANELS: list[tuple[int, str, Callable]] = []


def _key(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def register_money_effects(func: Callable) -> Callable:
    if all(key != _key(func) for key, _func in _EFFECTS):
        _EFFECTS.append((_key(func), func))
    return func


def money_effects(*, changes: dict, what_if) -> dict[int, list[dict]]:
    """Every registered provider's effects, merged per person."""
    merged: dict[int, list[dict]] = {}
    for _name, func in _EFFECTS:
        for person_id, effects in (func(changes=changes, what_if=what_if) or {}).items():
            merged.setdefault(person_id, []).extend(effects)
    return merged


@dataclass
class ComparisonPanel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    slug: str = ""
    html: str = ""


def register_comparison_panel(*, order: int = 50):
    def decorator(func: Callable):
        if all(existing != _key(func) for _order, existing, _func in _PANELS):
            _PANELS.append((order, _key(func), func))
            _PANELS.sort(key=lambda item: (item[0], item[1]))
        return func

    return decorator


def comparison_panels(request, comparison) -> list[ComparisonPanel]:
    panels = []
    for _order, key, func in _PANELS:
        panel = func(request, comparison)
        if panel is None:
            continue
        panel.slug = panel.slug or key.rsplit(".", 1)[-1]
        panel.html = render_to_string(panel.template, {"comparison": comparison, **panel.context}, request=request)
        panels.append(panel)
    return panels
