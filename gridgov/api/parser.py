"""How the API reads a JSON body: every body it takes is one JSON object.

An array or a bare value is refused before an endpoint sees it (400). Left to itself,
django-ninja reads the fields of a schema off a list as missing and fills in their defaults,
so `[{"reason": …}, …]` would pass as an empty object."""

from django.utils.translation import gettext as _
from ninja.parser import Parser

from gridgov.core import jsonbody
from gridgov.core.errors import Invalid


class ObjectParser(Parser):
    def parse_body(self, request):
        data = jsonbody.loads(request.body)  # depth-limited, finite numbers
        if not isinstance(data, dict):
            raise Invalid(_("The body must be one JSON object (not a list or a bare value)."))
        return data
