"""Custom objects (Zendesk's new API), their fields, and their records' incremental export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from tap_zendesk_objects.http.pagination import ExportCursorPaginator, PageParams
from tap_zendesk_objects.http.responses import payload
from tap_zendesk_objects.schemas.custom_objects import (
    CUSTOM_OBJECT_FIELDS,
    CUSTOM_OBJECT_RECORDS,
    CUSTOM_OBJECTS,
)
from tap_zendesk_objects.streams.families import CursorExportStream, ListStream

if TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

CUSTOM_OBJECTS_PLAN = (
    "The account has no custom objects (the new Custom Objects API), or these credentials "
    "cannot read them."
)
# What the export writes in place of every value of a record deleted within 30 days.
DELETED = "[DELETED]"


class CustomObjectsStream(ListStream):
    """The account's custom objects (unpaged): also the parents of their fields and records."""

    name = "custom_objects"
    path = "/api/v2/custom_objects"
    records_key = "custom_objects"
    primary_keys: ClassVar[tuple[str, ...]] = ("key",)
    schema = CUSTOM_OBJECTS
    selected_by_default = False
    plan_gated = True
    plan_requirement = CUSTOM_OBJECTS_PLAN

    def fixed_params(self) -> PageParams:
        """No paging: Zendesk lists every object at once."""
        return {}

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        """Note the object's key before the projection (which keeps none when deselected)."""
        self._key = row.get("key")
        return super().post_process(row, context)

    def generate_child_contexts(self, record: dict, context: Context | None) -> Iterator[dict]:
        """One context per object, for its fields and its records."""
        if self._key:
            yield {"custom_object_key": self._key}


class CustomObjectFieldsStream(ListStream):
    """Each object's fields, read in full each run.

    Read object by object, so no single read is the whole table: no ACTIVATE_VERSION.
    """

    name = "custom_object_fields"
    path = "/api/v2/custom_objects/{custom_object_key}/fields"
    records_key = "custom_object_fields"
    schema = CUSTOM_OBJECT_FIELDS
    parent_stream_type = CustomObjectsStream
    state_partitioning_keys: ClassVar[tuple[str, ...]] = ()
    selected_by_default = False
    plan_gated = True
    plan_requirement = CUSTOM_OBJECTS_PLAN

    @property
    def activates_versions(self) -> bool:
        """Never (see the class docstring)."""
        return False

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Each field with its object's key."""
        key = (self.context or {}).get("custom_object_key")
        for field in records:
            field["custom_object_key"] = key
        return records


class RecordExportPaginator(ExportCursorPaginator):
    """The custom object record export: `meta.has_more` (or `end_of_stream`, when sent)."""

    def has_more(self, response: requests.Response) -> bool:
        """More pages while Zendesk says so, in either of its flags."""
        body = payload(response)
        if "end_of_stream" in body:
            return not body["end_of_stream"]
        meta = body.get("meta")
        return bool(meta.get("has_more")) if isinstance(meta, dict) else False


class CustomObjectRecordsStream(CursorExportStream):
    """Records of every custom object, from each object's incremental export.

    `start_time` on the first page, then `cursor`; the bookmark is kept per object. Records
    deleted within Zendesk's 30 days come with every value `[DELETED]`: they are emitted with
    `_sdc_deleted_at` and those values as null.
    """

    name = "custom_object_records"
    path = "/api/v2/incremental/custom_objects/{custom_object_key}/cursor"
    records_key = "custom_object_records"
    primary_keys: ClassVar[tuple[str, ...]] = ("custom_object_key", "id")
    replication_key = "updated_at"
    schema = CUSTOM_OBJECT_RECORDS
    parent_stream_type = CustomObjectsStream
    full_first_sync = True  # reference data, like users: read whole the first time
    admins_only = False  # also agents allowed to read custom objects
    selected_by_default = False
    plan_gated = True
    plan_requirement = CUSTOM_OBJECTS_PLAN

    def get_new_paginator(self) -> RecordExportPaginator:
        """Follows after_cursor while has_more."""
        return RecordExportPaginator()

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Deleted records flagged, their `[DELETED]` values null."""
        for record in records:
            record.setdefault("custom_object_key", (self.context or {}).get("custom_object_key"))
            if record.get("name") == DELETED or _all_deleted(record.get("custom_object_fields")):
                record["_sdc_deleted_at"] = record.get("updated_at")
            for key in ("name", "external_id"):
                if record.get(key) == DELETED:
                    record[key] = None
            fields = record.get("custom_object_fields")
            if isinstance(fields, dict):
                record["custom_object_fields"] = {
                    key: None if value == DELETED else value for key, value in fields.items()
                }
        return records


def _all_deleted(fields: Any) -> bool:
    return isinstance(fields, dict) and bool(fields) and all(v == DELETED for v in fields.values())
