"""What apps contribute to a shared page, each from a module of its own (like ``admin.py``).

The home page's panels (``panels.py``), the header search (``search.py``) and a region
page's map layers (``geo.py``) are each one ``Registry``: an app registers functions under
unique keys with an order, and the page asks for them in order, never importing an app's
internals. The modules are found by Django's ``autodiscover_modules`` the first time a
registry is read.
"""

from collections.abc import Callable, Iterator

from django.utils.module_loading import autodiscover_modules


class Registry:
    def __init__(self, module: str, what: str):
        self.module = module  # the module name each app may have: "panels", "search", …
        self.what = what  # what an entry is, for the error on a second registration
        self._entries: dict[str, tuple[int, Callable]] = {}
        self._discovered = False

    def register(self, key: str, order: int = 100):
        """A decorator: registers the function under a unique key; lower orders first."""

        def decorate(fn):
            if key in self._entries and self._entries[key][1] is not fn:
                raise ValueError(f"{self.what} {key!r} is already registered")
            self._entries[key] = (order, fn)
            return fn

        return decorate

    def __iter__(self) -> Iterator[tuple[str, int, Callable]]:
        """(key, order, function) of every entry, in order (then by key)."""
        if not self._discovered:
            autodiscover_modules(self.module)
            self._discovered = True
        for key, (order, fn) in sorted(self._entries.items(), key=lambda kv: (kv[1][0], kv[0])):
            yield key, order, fn
