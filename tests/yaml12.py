"""Front matter as a YAML 1.2 editor reads it: what the published JSON Schema is checked on.

YAML 1.2's core schema, as editors and the YAML language server use it: `1200` is a number,
`true` a boolean; `yes`, `1_000`, `012`-as-octal and bare dates are YAML 1.1 and read here
as text (or, for `012`, the number 12). Mapping keys are kept as written. The parser is
libyaml, the validator's, so only the typing differs.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml


class EditorLoader(yaml.CSafeLoader):
    """YAML 1.2 (core schema), as editors and the YAML language server read it: no YAML 1.1
    booleans (`yes`), octals (`012` is 12), sexagesimals or timestamps; keys as written."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's class attribute)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        return {
            key.value if isinstance(key, yaml.ScalarNode) else self.construct_object(key): (
                self.construct_object(value, deep=True)
            )
            for key, value in node.value
        }


def _int(loader_: EditorLoader, node: yaml.ScalarNode) -> int:
    text: str = node.value
    base = {"0o": 8, "0x": 16}.get(text[:2], 10)
    return int(text[2:] if base != 10 else text, base)


def _float(loader_: EditorLoader, node: yaml.ScalarNode) -> float:
    text: str = node.value
    special = {".inf": math.inf, ".nan": math.nan}.get(text.lstrip("+-").lower())
    if special is not None:
        return -special if text.startswith("-") else special
    return float(text)


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:null|Null|NULL|~|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    EditorLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)
EditorLoader.add_constructor("tag:yaml.org,2002:int", _int)
EditorLoader.add_constructor("tag:yaml.org,2002:float", _float)


def editor_view(front: str) -> Any:
    return yaml.load(front, Loader=EditorLoader)
