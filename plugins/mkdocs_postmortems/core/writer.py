"""Postmortem -> file text: the inverse of `loader`, for tools that write postmortems.

Output is plain block YAML in the schema's field order, every string that another YAML
reader could misread is quoted, so the files stay readable by any tool, not only ours.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from mkdocs_postmortems.core.schema import Postmortem


class _Dumper(yaml.SafeDumper):
    """Block style, unicode kept, no aliases even for repeated objects."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # NEL, U+2028 and U+2029 break lines for YAML 1.1 readers (PyYAML writes them so) and
    # not for YAML 1.2 ones (ours): only as escapes in double quotes do both read them back.
    style = '"' if _MISREAD_BREAKS.search(value) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_MISREAD_BREAKS = re.compile("[\x85\u2028\u2029]")
_Dumper.add_representer(str, _str)


def front_matter_data(postmortem: Postmortem) -> dict[str, Any]:
    """JSON-shaped data of the fields that are set, in schema order."""
    return postmortem.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def dump_front_matter(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def render(postmortem: Postmortem | dict[str, Any], body: str = "") -> str:
    """A whole postmortem file: `---`, front matter, `---`, body."""
    data = postmortem if isinstance(postmortem, dict) else front_matter_data(postmortem)
    text = f"---\n{dump_front_matter(data)}---\n"
    if body:
        text += body if body.startswith("\n") else "\n" + body
    return text
