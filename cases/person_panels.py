"""Panels on the person page contributed by other apps (enrollments, payments, rehab services...).

An app registers a callable in its AppConfig.ready():

    from cases.person_panels import register_person_panel

    @register_person_panel(order=20)
    def subsidies_panel(request, person) -> PersonPanel | None:
        enrollments = enrollment_list_for_user(request.user).filter(person=person)
        return PersonPanel(title=_("补贴"), template="subsidies/_person_panel.html", context={"enrollments": enrollments})

Return None to show nothing (e.g. the user may not see that app's records). The callable must read through its
own app's *_for_user selectors and should cost a constant number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string


@dataclass
class PersonPanel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    slug: str = ""
    html: str = ""


_PANELS: list[tuple[int, str, Callable]] = []


def register_person_panel(*, order: int = 50):
    def decorator(func: Callable):
        key = f"{func.__module__}.{func.__qualname__}"
        if all(existing != key for _, existing, _ in _PANELS):
            _PANELS.append((order, key, func))
            _PANELS.sort(key=lambda item: (item[0], item[1]))
        return func

    return decorator


def person_panels(request, person) -> list[PersonPanel]:
    """Every registered panel for this person, rendered, in order."""
    panels = []
    for _order, key, func in _PANELS:
        panel = func(request, person)
        if panel is None:
            continue
        panel.slug = panel.slug or key.rsplit(".", 1)[-1]
        panel.html = render_to_string(panel.template, {"person": person, **panel.context}, request=request)
        panels.append(panel)
    return panels
