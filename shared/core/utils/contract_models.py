"""Contract models (pydantic) at the HTTP edge: request validation, rendering, OpenAPI.

A service writes each shape and limit once, in its contract distribution. Its views then

- validate a JSON body with the contract's request model (:func:`validate_body`: strictly, as
  JSON, so ``"2"`` is no integer and ``86400`` no date) and a query with its query model
  (:func:`validate_query`: the values are text). A failure is the envelope's
  ``validation_error``, ``details`` mapping each field to DRF's messages, as before the contracts
  were the source;
- render with the contract's response model (:class:`Renderer`: from the object's attributes,
  ``model_dump(mode="json")``; a field with a default that the object lacks is left out);
- document both with the same models:
  ``@extend_schema(request=ContractRequest(Model), responses={200: Model})`` takes them (see
  :class:`ContractRequest` for the wrapper), their JSON Schema turned into OpenAPI 3.0
  (``nullable``, no ``title``, ``$ref`` alone or in ``allOf``).

Component names drop the ``Response`` suffix (``ProjectResponse`` is ``Project``) and keep one
``Request`` suffix (drf-spectacular adds one to request components when it splits them).
"""

import json
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Generic, TypeVar, get_origin

from drf_spectacular.drainage import warn
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.settings import spectacular_settings
from pydantic import BaseModel, TypeAdapter, create_model
from pydantic import ValidationError as PydanticValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema
from rest_framework.exceptions import ParseError

from shared.core.utils.renderers import RenderedJSON
from shared.kit.errors import ValidationError
from shared.kit.fields import EMAIL_PATTERN, refuse_null

M = TypeVar("M", bound=BaseModel)

NON_FIELD_ERRORS = "non_field_errors"
# DRF's CharField refused NUL in any text, and so do we: PostgreSQL cannot store it.
NULL_CHARACTERS = "Null characters are not allowed."
REF_PREFIX = "#/components/schemas/"

# --- requests -------------------------------------------------------------------------------------


def validate_body(model: type[M], data: Any) -> M:
    """A parsed JSON body as ``model``, validated strictly as the JSON it came from.

    Strict JSON validation takes each value only in the type the JSON Schema gives it: a number
    is no string, a string no integer, a number no date. Unknown fields are ignored.
    """
    if not isinstance(data, dict):
        message = f"Invalid data. Expected a dictionary, but got {type(data).__name__}."
        raise ValidationError(details={NON_FIELD_ERRORS: [message]})
    try:
        text = json.dumps(data)
    except RecursionError:  # the parser's limit, met again
        raise ParseError("JSON parse error - the document is nested too deeply.") from None
    if "\\u0000" in text:  # json.dumps writes NUL so, wherever it is
        _refuse_null_characters(model, data)
    try:
        return model.model_validate_json(text, strict=True)
    except PydanticValidationError as error:
        raise validation_error(error) from None


def validate_query(model: type[M], params: Mapping[str, Any]) -> M:
    """The model's fields from a query string (a QueryDict, or any mapping).

    A list field takes every value of its parameter; any other field the last one, an empty
    value counting as absent.
    """
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if get_origin(field.annotation) is list:
            getlist = getattr(params, "getlist", None)
            values[name] = getlist(name) if getlist else list(params.get(name) or [])
        elif value := params.get(name):
            values[name] = value
    _refuse_null_characters(model, values)
    try:
        return model.model_validate(values)
    except PydanticValidationError as error:
        raise validation_error(error) from None


def _refuse_null_characters(model: type[BaseModel], data: Mapping[str, Any]) -> None:
    fields = [name for name in model.model_fields if _has_null_character(data.get(name))]
    if fields:
        raise ValidationError(details={name: [NULL_CHARACTERS] for name in fields})


def _has_null_character(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_null_character(k) or _has_null_character(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_null_character(item) for item in value)
    return False


def validation_error(error: PydanticValidationError) -> ValidationError:
    """The envelope's ``validation_error``: each field (nested ones nested) -> its messages."""
    details: dict[str, Any] = {}
    for item in error.errors(include_url=False):
        path = [str(part) for part in item["loc"]] or [NON_FIELD_ERRORS]
        _put(details, path, message_for(item))
    return ValidationError(details=details)


def _put(details: dict[str, Any], path: list[str], message: str) -> None:
    node = details
    for part in path[:-1]:
        child = node.setdefault(part, {})
        if isinstance(child, list):  # the field has messages of its own already: join them
            child.append(message)
            return
        node = child
    messages = node.setdefault(path[-1], [])
    if isinstance(messages, dict):  # ...or nested ones
        messages = messages.setdefault(NON_FIELD_ERRORS, [])
    messages.append(message)


def message_for(item: Mapping[str, Any]) -> str:
    """DRF's message for one pydantic error, so clients read what they always did."""
    kind, context, value = item["type"], item.get("ctx") or {}, item.get("input")
    if kind == "missing":
        return "This field is required."
    if kind == "string_type":
        return "Not a valid string."
    if kind == "string_too_short":
        if context.get("min_length") == 1:
            return "This field may not be blank."
        return f"Ensure this field has at least {context.get('min_length')} characters."
    if kind == "string_too_long":
        return f"Ensure this field has no more than {context.get('max_length')} characters."
    if kind == "string_pattern_mismatch":
        if context.get("pattern") == EMAIL_PATTERN:
            return "Enter a valid email address."
        return "This value does not match the required pattern."
    if kind in {"literal_error", "enum"}:
        return f'"{value}" is not a valid choice.'
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return "A valid integer is required."
    if kind == "greater_than_equal":
        return f"Ensure this value is greater than or equal to {context.get('ge')}."
    if kind == "less_than_equal":
        return f"Ensure this value is less than or equal to {context.get('le')}."
    if kind.startswith("date_"):
        return "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
    if kind.startswith("uuid_"):
        return "Must be a valid UUID."
    if kind == "list_type":
        return f'Expected a list of items but got type "{type(value).__name__}".'
    if kind == "too_short":
        return f"Ensure this field has at least {context.get('min_length')} elements."
    if kind == "too_long":
        return f"Ensure this field has no more than {context.get('max_length')} elements."
    text = str(item["msg"])
    return text if text.endswith(".") else f"{text}."


# --- responses ------------------------------------------------------------------------------------


class Renderer(Generic[M]):
    """Renders objects (ORM rows, records, dicts) as a contract response model's JSON.

    Validation and serialisation run in pydantic-core; a list goes through one TypeAdapter, built
    once. Fields the source lacks and that have a default are left out of the JSON, as are the
    fields named in ``exclude``. (A source that lacks an attribute costs an AttributeError per
    object: where that is the common case, set the attribute and exclude the field instead.)
    """

    def __init__(self, model: type[M]):
        self.model = model
        self._many: TypeAdapter[list[M]] = TypeAdapter(list[model])  # type: ignore[valid-type]

    def one(self, source: Any) -> M:
        return self.model.model_validate(source, from_attributes=True)

    def many(self, sources: Iterable[Any]) -> list[M]:
        return self._many.validate_python(list(sources), from_attributes=True)

    def json(self, value: M, *, exclude: set[str] | None = None) -> dict[str, Any]:
        return value.model_dump(mode="json", exclude_unset=True, exclude=exclude)

    def json_many(
        self, values: list[M], *, exclude: set[str] | None = None
    ) -> list[dict[str, Any]]:
        each = {"__all__": exclude} if exclude else None
        return self._many.dump_python(values, mode="json", exclude_unset=True, exclude=each)

    def render(self, source: Any, *, exclude: set[str] | None = None) -> dict[str, Any]:
        return self.json(self.one(source), exclude=exclude)

    def render_many(
        self, sources: Iterable[Any], *, exclude: set[str] | None = None
    ) -> list[dict[str, Any]]:
        return self.json_many(self.many(sources), exclude=exclude)

    def render_page(
        self,
        sources: Iterable[Any],
        *,
        count: int,
        next: str | None,
        previous: str | None,
        exclude: set[str] | None = None,
    ) -> RenderedJSON:
        """A page (``count``, ``next``, ``previous``, ``results``) as JSON bytes, in one pass.

        Validation and serialisation both run in pydantic-core; DRF's renderer sends the bytes
        as they are (:class:`~shared.core.utils.renderers.JSONRenderer`).
        """
        page = {"count": count, "next": next, "previous": previous, "results": list(sources)}
        validated = self._page.validate_python(page, from_attributes=True)
        each = {"results": {"__all__": exclude}} if exclude else None
        return RenderedJSON(self._page.dump_json(validated, exclude_unset=True, exclude=each))

    @cached_property
    def _page(self) -> TypeAdapter[Any]:
        page = create_model(
            f"{self.model.__name__}Page",
            count=(int, ...),
            next=(str | None, ...),
            previous=(str | None, ...),
            results=(list[self.model], ...),  # type: ignore[name-defined]
        )
        return TypeAdapter(page)


# --- OpenAPI --------------------------------------------------------------------------------------


def component_name(model: type[BaseModel], direction: str = "response") -> str:
    """``ProjectResponse`` is ``Project``; a request keeps one ``Request`` suffix in the end.

    drf-spectacular appends ``Request`` to request components when it splits them
    (``COMPONENT_SPLIT_REQUEST``), so the model's own suffix is dropped then.
    """
    name = model.__name__
    if direction == "request":
        split = spectacular_settings.COMPONENT_SPLIT_REQUEST
        return name.removesuffix("Request") if split and name != "Request" else name
    return _def_name(name)


class _OpenApiJsonSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, saying what the API accepts where the snapshot cannot.

    A ``NotNull`` field (``shared.kit.fields``) is typed ``X | None`` for the contract snapshot,
    but the API refuses ``null`` there: the document says ``X``. A default of ``null`` on a
    schema that does not admit null is dropped, and responses carry no defaults at all.
    """

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        inner = schema["schema"]
        if schema["function"].get("function") is refuse_null and inner["type"] == "nullable":
            return self.generate_inner(inner["schema"])
        return super().function_before_schema(schema)

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if "default" in json_schema and (
            self.mode == "serialization"
            or (json_schema["default"] is None and not _admits_null(json_schema))
        ):
            json_schema = {key: value for key, value in json_schema.items() if key != "default"}
        return json_schema


def _admits_null(schema: Mapping[str, Any]) -> bool:
    if schema.get("type") == "null" or schema.get("nullable"):
        return True
    return any(_admits_null(option) for option in schema.get("anyOf", schema.get("oneOf", [])))


def openapi_schema(model: type[BaseModel], direction: str) -> dict[str, Any]:
    """The model's OpenAPI 3.0 schema as a request or a response; nested models in ``$defs``."""
    mode = "validation" if direction == "request" else "serialization"
    schema = model.model_json_schema(
        mode=mode, schema_generator=_OpenApiJsonSchema, ref_template=REF_PREFIX + "{model}"
    )
    names = {name: _def_name(name) for name in schema.get("$defs", {})}
    return _openapi_30(schema, names)


def _def_name(name: str) -> str:
    return name[: -len("Response")] if name.endswith("Response") and name != "Response" else name


def _openapi_30(schema: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """JSON Schema 2020-12 (pydantic's) as OpenAPI 3.0's dialect."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title":
            continue
        if key == "$defs":
            out[key] = {names.get(k, k): _openapi_30(v, names) for k, v in value.items()}
        elif key == "properties":
            out[key] = {name: _openapi_30(sub, names) for name, sub in value.items()}
        elif key in {"items", "additionalProperties", "not"} and isinstance(value, dict):
            out[key] = _openapi_30(value, names)
        elif key in {"anyOf", "oneOf", "allOf"}:
            out[key] = [_openapi_30(sub, names) for sub in value]
        elif key == "$ref":
            target = value.removeprefix(REF_PREFIX)
            out[key] = REF_PREFIX + names.get(target, target)
        elif key == "const":
            out["enum"] = [value]
        elif key in {"exclusiveMinimum", "exclusiveMaximum"} and not isinstance(value, bool):
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key == "examples" and isinstance(value, list):
            if value:
                out["example"] = value[0]
        else:
            out[key] = value
    for combinator in ("anyOf", "oneOf"):
        options = out.get(combinator)
        if options and {"type": "null"} in options:
            rest = [option for option in options if option != {"type": "null"}]
            out = {key: value for key, value in out.items() if key != combinator}
            out["nullable"] = True
            if len(rest) == 1 and "$ref" in rest[0]:
                out["allOf"] = rest
            elif len(rest) == 1:
                out = {**rest[0], **out}
            elif rest:
                out[combinator] = rest
    if "$ref" in out and len(out) > 1:  # OpenAPI 3.0 ignores whatever sits next to a $ref
        out = {"allOf": [{"$ref": out.pop("$ref")}], **out}
    return out


class ContractRequest:
    """A contract request model for ``@extend_schema(request=ContractRequest(Model))``.

    drf-spectacular marks a PATCH body partial by setting ``partial`` on a copy of what it is
    given, and the copy of a class is the class itself: given bare, the contract's class would
    keep the mark for every later document and pass it on to its subclasses.
    """

    partial = False

    def __init__(self, model: type[BaseModel]):
        self.model = model

    def __repr__(self) -> str:
        return f"ContractRequest({self.model.__name__})"


def _register_defs(auto_schema: Any, schema: dict[str, Any]) -> dict[str, Any]:
    for name, definition in schema.pop("$defs", {}).items():
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=definition
        )
        auto_schema.registry.register_on_missing(component)
    return schema


class ContractModelExtension(OpenApiSerializerExtension):
    """Documents a pydantic model given to ``@extend_schema`` as a response."""

    target_class = "pydantic.BaseModel"
    match_subclasses = True
    priority = 1  # before drf-spectacular's own pydantic extension (JSON Schema, not OpenAPI 3.0)

    def get_name(self, auto_schema: Any, direction: str) -> str:
        return component_name(self.target, direction)

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            warn(f"give the request model {self.target.__name__} as ContractRequest(...)")
        return _register_defs(auto_schema, openapi_schema(self.target, direction))


class ContractRequestExtension(OpenApiSerializerExtension):
    """Documents a :class:`ContractRequest`: its model, every field optional for a PATCH."""

    target_class = ContractRequest

    def get_name(self, auto_schema: Any, direction: str) -> str:
        return component_name(self.target.model, direction)

    def get_identity(self, auto_schema: Any, direction: str) -> Any:
        return (self.target.model, self.target.partial)

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = openapi_schema(self.target.model, direction)
        if self.target.partial:
            schema.pop("required", None)
        return _register_defs(auto_schema, schema)
