"""The OpenAPI document at /api/schema, made to tell the truth.

django-ninja files every schema under its class name and, when two classes share a name,
keeps whichever came last (its own TODO in `add_schema_definitions`): an operation then
points at another operation's schema. Here a second, different schema under a name already
taken is refused outright, so that the document cannot be built until one is renamed.

Every operation also lists the error answers it may give, all in the one error shape the
exception handlers write (`ErrorOut`), so that clients and schema-driven tests know them
(`make fuzz`, and gridgov/api/tests/test_fuzz.py, check the document against the server)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema

from .schemas import ErrorOut

ERROR_SCHEMA = "ErrorOut"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DESCRIPTIONS = {
    400: "The request is not valid (the message says why).",
    401: "Authentication required.",
    403: "Your role may not do this.",
    404: "Not found, or not yours to see.",
    409: "The object changed meanwhile or is in a state that does not allow this.",
    429: "Too many attempts or requests: wait and try again (the message says how long).",
}


def error_statuses(operation) -> list[int]:
    """The error answers an operation may give: any input can be invalid, anything behind
    authentication can be refused, any object can be missing or outside the caller's scope,
    and a write can meet a conflicting state; a caller whose key failed too often is
    throttled (429), and reveals are rate-limited (429)."""
    statuses = [400]
    if operation.auth_callbacks:
        statuses += [401, 403, 429]
    statuses.append(404)
    if WRITE_METHODS & set(operation.methods):
        statuses.append(409)
    return statuses


class SchemaNameClash(ImproperlyConfigured):
    pass


class TruthfulOpenAPISchema(OpenAPISchema):
    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise SchemaNameClash(
                    f"Two different API schemas are called {name!r}; rename one of them "
                    "(an operation would otherwise point at the other one's schema)."
                )
        super().add_schema_definitions(definitions)

    def responses(self, operation) -> dict:
        result = super().responses(operation)
        for status in error_statuses(operation):
            if status not in result:
                result[status] = {
                    "description": DESCRIPTIONS[status],
                    "content": {
                        "application/json": {
                            "schema": {"$ref": REF_TEMPLATE.format(model=ERROR_SCHEMA)}
                        }
                    },
                }
        # gunicorn (and any proxy before it) refuses an overlong request line itself
        result.setdefault(414, {"description": "The request line is too long (not JSON)."})
        if ERROR_SCHEMA not in self.schemas:
            self.add_schema_definitions(
                {ERROR_SCHEMA: ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)}
            )
        return result


class GridgovAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return TruthfulOpenAPISchema(self, path_prefix)
