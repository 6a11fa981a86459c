"""An imported body made publishable: what a body may not hold, kept as text or a link.

A body's images come only from this site and its links are https (the body rules of
`html_rules`); a document written elsewhere often embeds a dashboard's image or links an
http:// page. Rather than lose them or leave a file that cannot be published, an image from
another host becomes a link to it, and an http:// link shows its address as code.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(```|~~~)")
_REMOTE_IMAGE = re.compile(
    r"!\[([^\[\]\n]*)\]\(((?:https?:)?//[^()\s`]+)(?:\s+\"[^\"\n]*\")?\)", re.I
)
_HTTP_LINK = re.compile(r"(?<!!)\[([^\[\]\n]*)\]\((http://[^()\s`]+)\)", re.IGNORECASE)


def _line(text: str) -> str:
    text = _REMOTE_IMAGE.sub(_image, text)
    return _HTTP_LINK.sub(lambda m: f"{m[1]} (`{m[2]}`)", text)


def _image(match: re.Match[str]) -> str:
    alt, url = match[1] or "image", match[2]
    if url.lower().startswith("https:"):
        return f"[{alt}]({url})"
    return f"{alt} (`{url}`)"


def publishable(body: str) -> tuple[str, list[str]]:
    """`body` with remote images and http:// links rewritten outside code fences, and a
    note when anything changed."""
    out, fenced = [], False
    for line in body.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        out.append(line if fenced else _line(line))
    changed = "\n".join(out)
    if changed == body:
        return body, []
    return changed, [
        "body: images from other hosts became links and http:// links became their "
        "address as code (a body shows only this site's images and links over https)"
    ]
