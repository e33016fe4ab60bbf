"""One way to page a list in the JSON API: `limit` and `offset`, clamped, with the count."""

MAX_LIMIT = 500


def page_of(qs, limit: int, offset: int, convert, *, max_limit: int = MAX_LIMIT) -> dict:
    """{"count", "items"}: `limit` clamped to 1…max_limit, `offset` to 0…count (so that an
    absurd offset is an empty page, not a number the database cannot take)."""
    count = qs.count()
    limit = max(1, min(limit, max_limit))
    offset = max(0, min(offset, count))
    return {"count": count, "items": [convert(o) for o in qs[offset : offset + limit]]}
