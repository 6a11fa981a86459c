"""Our templates write their values through `templates.escape_output`, not markupsafe's
`escape`: the same characters, for every kind of value and every place a value is written."""

from __future__ import annotations

import jinja2
import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from mkdocs_postmortems.site import templates


class _Html:
    def __html__(self) -> str:
        return "<b>own</b>"


class _Text(str):
    pass


class _Safe(Markup):
    pass


VALUES: list[object] = [
    "",
    "plain",
    "<script>alert('x')</script> & \"quoted\"",
    "l'apostrophe",
    Markup("<em>kept</em>"),
    _Safe("<i>a subclass of Markup</i>"),
    _Text("<a str subclass>"),
    _Html(),
    12,
    3.5,
    None,
    True,
    ["<list>"],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_each_kind_of_value_is_written_as_escape_writes_it(value: object) -> None:
    assert templates.escape_output(value) == str(markupsafe.escape(value))


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_text_is_written_as_escape_writes_it(text: str) -> None:
    assert templates.escape_output(text) == str(markupsafe.escape(text))


SOURCES = [
    "{{ value }}",
    '<p title="{{ value }}">{{ value }}</p>',
    "{% macro m(v) %}<i>{{ v }}</i>{% endmacro %}{{ m(value) }}{{ m(value) | upper }}",
    "{% set block %}{{ value }}!{% endset %}{{ block }}{{ block | length }}",
    "{% filter upper %}{{ value }}{% endfilter %}",
    "{% macro box() %}[{{ caller() }}]{% endmacro %}{% call box() %}{{ value }}{% endcall %}",
    "{% autoescape false %}{{ value }}{% endautoescape %}{{ value }}",
    "{{ value ~ '<&>' }}{{ [value, value] | join('<br>') }}",
    "{% for v in [value, value] %}{{ loop.index }}{{ v }}{% endfor %}",
]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_template_writes_what_jinjas_own_would(source: str, value: object) -> None:
    ours = templates.environment()
    stock = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    made = ours.from_string(source)
    assert made.root_render_func.__globals__["escape"] is templates.escape_output
    assert made.render(value=value) == stock.from_string(source).render(value=value)


def test_a_packaged_template_writes_through_it() -> None:
    made = templates.environment().get_template("_common.html")
    assert made.root_render_func.__globals__["escape"] is templates.escape_output
