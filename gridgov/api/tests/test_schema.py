"""The OpenAPI document at /api/schema describes what each operation really takes and gives."""

from __future__ import annotations

import typing
from collections import defaultdict

import pytest
from ninja import Router, Schema
from pydantic import BaseModel

from gridgov.api.openapi import GridgovAPI, SchemaNameClash
from gridgov.api.urls import api


def _models_in(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def schema_classes() -> dict[str, set[type]]:
    """Every schema class of ours that an operation of the API takes or gives, by class
    name (ninja's generated parameter and response wrappers never become components)."""
    found: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in [*op.models, *op.response_models.values()]:
                    _models_in(model, found)
    by_name = defaultdict(set)
    for cls in found:
        if cls.__module__.startswith("gridgov."):
            by_name[cls.__name__].add(cls)
    return by_name


def test_no_two_api_schemas_share_a_name():
    by_name = schema_classes()
    assert "MatterOut" in by_name and "CaseOut" in by_name  # the walk does find them
    clashes = {name: classes for name, classes in by_name.items() if len(classes) > 1}
    assert clashes == {}


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _ok_schema(document, path):
    body = document["paths"][path]["get"]["responses"][200]["content"]["application/json"]
    return body["schema"]


def test_each_kpi_operation_points_at_its_own_figures():
    document = api.get_openapi_schema()
    matters = _ok_schema(document, "/api/matters-kpis")
    assert matters["type"] == "array"
    assert "on_time_rate" in _resolve(document, matters["items"])["properties"]
    enforcement = _resolve(document, _ok_schema(document, "/api/enforcement/kpis"))
    assert "recovered_fen" in enforcement["properties"]


def test_a_second_schema_under_a_taken_name_is_refused():
    first, second = Router(), Router()

    class Figures(Schema):
        registered: int

    @first.get("/a", response=Figures)
    def a(request):
        return {"registered": 1}

    class Figures(Schema):  # noqa: F811 - the clash is the point
        recovered_fen: int

    @second.get("/b", response=Figures)
    def b(request):
        return {"recovered_fen": 1}

    clashing = GridgovAPI(urls_namespace="clash-test")
    clashing.add_router("/", first)
    clashing.add_router("/", second)
    with pytest.raises(SchemaNameClash, match="Figures"):
        clashing.get_openapi_schema(path_prefix="")


def test_every_operation_documents_its_errors_in_the_error_shape():
    document = api.get_openapi_schema()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    assert set(document["components"]["schemas"]["ErrorOut"]["properties"]) == {
        "detail",
        "errors",
    }
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            expected = {"400", "401", "403", "404"} | ({"409"} if method != "get" else set())
            declared = {
                str(status)
                for status, answer in op["responses"].items()
                if answer.get("content", {}).get("application/json", {}).get("schema") == error
            }
            assert expected <= declared, (method, path)
