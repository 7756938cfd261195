"""HTML rendering with Jinja2 (imported on first use), the `Templates` port: autoescaping on,
so a transcript line like `<script>` is shown as text, never run."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("roleplay", "templates/export"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,  # a typo in a template fails loudly in tests
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)


class JinjaTemplates:
    """The `Templates` port (services/ports.py) over the templates in roleplay/templates/export."""

    def render(self, name: str, **context: Any) -> str:
        return render(name, **context)
