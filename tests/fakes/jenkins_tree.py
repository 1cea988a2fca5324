"""Jenkins `tree=` expressions, as the fake Jenkins applies them: `a,b[c,d]{0,10}`.

Only the named fields are kept (absent ones are left out, as Jenkins does), and `{M,N}` cuts a
list to the items M to N-1; `{M,}`, `{,N}` and `{N}` work as in Jenkins.
"""

from __future__ import annotations

import re
from typing import Any

Tree = dict[str, tuple["Tree | None", "tuple[int | None, int | None] | None"]]


def parse_tree(text: str) -> Tree:
    """`a,b[c,d]{0,10}` as {a: (None, None), b: ({c:.., d:..}, (0, 10))}."""
    tree, rest = _parse_fields(text)
    if rest:
        raise ValueError(f"unexpected {rest[:10]!r} in tree")
    return tree


def _parse_fields(text: str) -> tuple[Tree, str]:
    tree: Tree = {}
    while text:
        match = re.match(r"[A-Za-z_$][\w$]*", text)
        if match is None:
            raise ValueError(f"bad tree at {text[:10]!r}")
        name, text = match.group(), text[match.end() :]
        sub: Tree | None = None
        if text.startswith("["):
            sub, text = _parse_fields(text[1:])
            if not text.startswith("]"):
                raise ValueError("unclosed [")
            text = text[1:]
        span = None
        range_match = re.match(r"\{(\d*)(,?)(\d*)\}", text)
        if range_match:
            low, comma, high = range_match.groups()
            start = int(low) if low else None
            stop = int(high) if high else (None if comma else (start or 0) + 1)
            span, text = (start, stop), text[range_match.end() :]
        tree[name] = (sub, span)
        if not text.startswith(","):
            break
        text = text[1:]
    return tree, text


def apply_tree(value: Any, tree: Tree) -> Any:
    """Keep only the fields the tree names, as Jenkins does; absent fields are left out."""
    if isinstance(value, list):
        return [apply_tree(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for name, (sub, span) in tree.items():
        if name not in value:
            continue
        item = value[name]
        if span is not None and isinstance(item, list):
            item = item[span[0] or 0 : span[1]]
        out[name] = apply_tree(item, sub) if sub is not None else item
    if "_class" in value:
        out["_class"] = value["_class"]
    return out
