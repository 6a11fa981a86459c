"""`data/postmortems.json` and `.csv`: one record per published postmortem, for other tools.

Records hold every schema field (absent ones as null or empty, so every record has the same
keys) plus the figures the site shows: durations in minutes, quarter, open and overdue items.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from mkdocs_postmortems.core.schema import Postmortem
from mkdocs_postmortems.site.catalog import Catalog, Published

JSON_PATH = "data/postmortems.json"
CSV_PATH = "data/postmortems.csv"
COMPUTED = (
    "quarter",
    "time_to_detect_minutes",
    "time_to_mitigate_minutes",
    "time_to_resolve_minutes",
    "open_action_items",
    "overdue_action_items",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_encoder() -> Callable[[Any], str]:
    """A CSV cell's JSON, as `json.dumps` writes it with its default separators. A CSV has
    thousands of JSON cells, and `JSONEncoder.encode` builds its C encoder anew on each
    call: this one is built once."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C speed-ups
        return encoder.encode
    encode = make(
        None,  # no check for cycles: records are trees of plain values
        encoder.default,
        json.encoder.encode_basestring,
        encoder.indent,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    return lambda value: "".join(encode(value, 0))


_ENCODE = _cell_encoder()


def record(catalog: Catalog, item: Published) -> dict[str, Any]:
    data: dict[str, Any] = {"path": item.source, "url": catalog.links.url(item.src_uri)}
    data.update(item.postmortem.model_dump(mode="json"))
    data["quarter"] = item.quarter
    for name, minutes in item.durations.items():
        data[f"{name}_minutes"] = None if minutes is None else round(minutes, 3)
    data["open_action_items"] = item.open_items
    data["overdue_action_items"] = len(item.overdue)
    return data


def records(catalog: Catalog) -> list[dict[str, Any]]:
    """Every published postmortem's record, built once for both the JSON and the CSV."""
    return [record(catalog, item) for item in catalog.items]


def to_json(catalog: Catalog, records: list[dict[str, Any]]) -> str:
    document = {"as_of": catalog.as_of.isoformat(), "count": len(records), "postmortems": records}
    # Compact: at thousands of postmortems, indenting doubles the download and, as it
    # leaves the C encoder for the Python one, the time to write it.
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False) + "\n"


def _columns() -> list[str]:
    """Every column, from the models, so an absent field is still a column."""
    columns: list[str] = ["path", "url"]
    for name, info in Postmortem.model_fields.items():
        annotation = info.annotation
        nested = _nested_fields(annotation)
        if nested and name != "links":
            columns.extend(f"{name}.{inner}" for inner in nested)
        else:
            columns.append(name)
    return columns + list(COMPUTED)


def _nested_fields(annotation: Any) -> list[str]:
    for candidate in getattr(annotation, "__args__", ()) or (annotation,):
        fields = getattr(candidate, "model_fields", None)
        if fields:
            names: list[str] = []
            for name, info in fields.items():
                inner = _nested_fields(info.annotation)
                names.extend(f"{name}.{i}" for i in inner) if inner else names.append(name)
            return names
    return []


def _cell(value: Any) -> str:
    """A value as a CSV cell: lists of text joined with '; ', other lists and mappings as
    JSON (empty ones as nothing), true/false, and nothing for null."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            return _ENCODE(value)
        text = "; ".join(value)
    elif isinstance(value, dict):
        return _ENCODE(value) if value else ""
    else:
        return str(value)
    # A cell that a spreadsheet would run as a formula gets a leading apostrophe.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _dig(value: Any, keys: tuple[str, ...]) -> Any:
    """The value below `keys` in nested mappings; None where one is missing."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def to_csv(records: list[dict[str, Any]]) -> str:
    """Mappings of the models become dotted columns (`impact.revenue_usd`); `links` stays
    one column of JSON."""
    columns = _columns()
    # Each column's key in a record, and the keys below it when it is a model's field.
    paths = [(key, tuple(rest)) for key, *rest in (column.split(".") for column in columns)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # With "\n" as line end, the csv module leaves a bare "\r" in a cell unquoted, and a
    # reader takes it for a new row; a row holding one has every cell quoted.
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for data in records:
        cells = [_cell(_dig(data.get(key), below)) for key, below in paths]
        (quoted if "\r" in "".join(cells) else writer).writerow(cells)
    return buffer.getvalue()
