"""One way to read JSON that came from outside (API bodies, payment notices): anything that is
not JSON, or is nested deeper than any gridgov document (MAX_DEPTH), is a 400 with a message
— never a RecursionError deep in the parser, the audit trail or the database."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from .errors import Invalid

MAX_DEPTH = 32  # a GeoJSON MultiPolygon inside a request is 7 deep


def depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0); without recursion."""
    containers = dict | list
    deepest, stack = 0, [(value, 1)] if isinstance(value, containers) else []
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, level + 1) for c in children if isinstance(c, containers))
    return deepest


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of `raw`; Invalid when it is not JSON, holds NaN, Infinity or a number
    beyond a float (1e309), or nests deeper than max_depth."""
    too_deep = Invalid(_("The JSON nests more than %(n)d levels deep.") % {"n": max_depth})

    def not_finite(token):
        raise Invalid(_("Numbers in JSON are finite: %(token)s is not one.") % {"token": token})

    def finite(token: str) -> float:
        number = float(token)
        if number in (float("inf"), float("-inf")):
            not_finite(token)
        return number

    try:
        value = json.loads(raw, parse_constant=not_finite, parse_float=finite)
    except RecursionError:
        raise too_deep from None
    except json.JSONDecodeError as exc:
        raise Invalid(
            _("The body is not valid JSON: line %(line)d, column %(column)d.")
            % {"line": exc.lineno, "column": exc.colno}
        ) from None
    except ValueError:  # not UTF-8
        raise Invalid(_("The body is not valid JSON: it is not UTF-8 text.")) from None
    if depth(value) > max_depth:
        raise too_deep
    return value
