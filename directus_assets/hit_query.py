"""The cache-hit lookup as one precompiled statement.

A hit is the endpoint's hot path, and Django spends longer building and compiling the
same ``select_related`` query each time than the database spends answering it. This
module writes that SQL once per database vendor from the models' own metadata, and turns
the row back into model instances with the backend's own value converters, exactly as the
ORM would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeAlias

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.expressions import Col

from .models import File, Rendition, ThumbnailPreset

Converter = Callable[[Any, Any, Any], Any]
AnyField: TypeAlias = "Field[Any, Any]"  # generic in the stubs only


def fetch(
    file_id: Any, cache_key: str, preset_key: str | None
) -> tuple[Rendition, str | None] | None:
    """The ready rendition (with its file) and, if asked, the preset's current fingerprint."""
    # One look-up of this thread's connection: each through the proxy costs a context-local
    # read, and the row's conversion would otherwise do dozens.
    db = connections[DEFAULT_DB_ALIAS]
    sql, fields = _statement(db.vendor, preset_key is not None)
    params: list[Any] = [preset_key] if preset_key is not None else []
    params += [File._meta.pk.get_db_prep_value(file_id, db), cache_key]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    rendition_fields, file_fields = fields
    split = len(rendition_fields)
    rendition = _instance(db, Rendition, rendition_fields, row[:split])
    file = _instance(db, File, file_fields, row[split : split + len(file_fields)])
    rendition.file = file
    return rendition, (row[-1] if preset_key is not None else None)


@cache
def _statement(
    vendor: str, with_preset: bool
) -> tuple[str, tuple[tuple[AnyField, ...], tuple[AnyField, ...]]]:
    rendition_fields = tuple(Rendition._meta.concrete_fields)
    file_fields = tuple(File._meta.concrete_fields)
    columns = [f"r.{_quote(_column_name(f))}" for f in rendition_fields]
    columns += [f"f.{_quote(_column_name(f))}" for f in file_fields]
    if with_preset:
        columns.append(
            f"(SELECT p.{_column(ThumbnailPreset, 'fingerprint')} FROM "
            f"{_table(ThumbnailPreset)} p WHERE p.{_column(ThumbnailPreset, 'key')} = %s)"
        )
    file_id = _column(Rendition, "file")
    sql = (
        f"SELECT {', '.join(columns)} FROM {_table(Rendition)} r "
        f"INNER JOIN {_table(File)} f ON f.{_column(File, 'id')} = r.{file_id} "
        f"WHERE r.{file_id} = %s AND r.{_column(Rendition, 'cache_key')} = %s "
        f"AND r.{_column(Rendition, 'ready')} LIMIT 1"
    )
    return sql, (rendition_fields, file_fields)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Model]) -> str:
    return _quote(model._meta.db_table)


def _column(model: type[Model], field: str) -> str:
    found = model._meta.get_field(field)
    assert isinstance(found, Field), f"{field} is a relation's reverse side, not a column"
    return _quote(_column_name(found))


def _column_name(field: AnyField) -> str:
    assert field.column is not None, f"{field} has no column"
    return field.column


# Per (vendor, model): each column's value converters, and the attribute names.
_Conversion = tuple[tuple[tuple[AnyField, tuple[Converter, ...]], ...], list[str]]
_conversions: dict[tuple[str, type[Model]], _Conversion] = {}


def _conversion(
    db: BaseDatabaseWrapper, model: type[Model], fields: Sequence[AnyField]
) -> _Conversion:
    key = (db.vendor, model)
    if key not in _conversions:
        converters = []
        for field in fields:
            column = Col(model._meta.db_table, field)
            found = (*db.ops.get_db_converters(column), *column.get_db_converters(db))
            converters.append((field, tuple(found)))
        _conversions[key] = (tuple(converters), [f.attname for f in fields])
    return _conversions[key]


def _instance(
    db: BaseDatabaseWrapper, model: type[Model], fields: Sequence[AnyField], values: Sequence[Any]
) -> Any:
    converters, attnames = _conversion(db, model, fields)
    converted = []
    for (field, field_converters), value in zip(converters, values, strict=True):
        for convert in field_converters:
            value = convert(value, field, db)
        converted.append(value)
    return model.from_db(db.alias, attnames, converted)
