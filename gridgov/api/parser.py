"""How the API reads a JSON body: every body it takes is one JSON object.

An array or a bare value is refused before an endpoint sees it (400). Left to itself,
django-ninja reads the fields of a schema off a list as missing and fills in their defaults,
so `[{"reason": …}, …]` would pass as an empty object."""

from ninja.parser import Parser

from gridgov.core import jsonbody


class NotAnObject(ValueError):
    pass


class ObjectParser(Parser):
    def parse_body(self, request):
        data = jsonbody.loads(request.body)  # depth-limited, finite numbers
        if not isinstance(data, dict):
            raise NotAnObject("the body is not a JSON object")
        return data
