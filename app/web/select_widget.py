"""A select of many options written quickly: WTForms' own `Select` formats every attribute of
every option through `Markup.format`, which was a fifth of the film page's whole cost for the
framework's 45 elements. Each option is the same HTML (tests/web/test_select_widget.py)."""

from typing import Any

from markupsafe import Markup, escape
from wtforms.widgets import Select
from wtforms.widgets.core import clean_key


def _attributes(values: dict[str, Any]) -> str:
    """`html_params` of WTForms: sorted, `True` bare, `False` left out, quotes escaped."""
    written = []
    for key, value in sorted(values.items()):
        if value is True:
            written.append(clean_key(key))
        elif value is not False:
            written.append(f'{clean_key(key)}="{escape(value)}"')
    return " ".join(written)


class QuickSelect(Select):
    """WTForms' `Select`, each option written with one escape per attribute."""

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        values = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            values["selected"] = True
        label = escape(choice.label or choice.value)
        return Markup(f"<option {_attributes(values)}>{label}</option>")
