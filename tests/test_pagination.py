"""Zendesk's pagination envelopes, including shapes the emulator does not serve."""

from __future__ import annotations

import json
import logging

import pytest
import requests

from tap_zendesk_objects.http.pagination import (
    ExportCursorPaginator,
    ListCursorPaginator,
    TimeExportPaginator,
)

URL = "https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=abc"


def page(body: dict, url: str = URL) -> requests.Response:
    """A 200 response carrying `body`."""
    response = requests.Response()
    response.status_code, response.url = 200, url
    response._content = json.dumps(body).encode()
    return response


def test_cursor_export_follows_after_cursor_until_end_of_stream():
    paginator = ExportCursorPaginator()
    paginator.advance(page({"tickets": [{}], "after_cursor": "c1", "end_of_stream": False}))
    assert paginator.current_value == {"cursor": "c1"} and not paginator.finished
    paginator.advance(page({"tickets": [], "after_cursor": "c2", "end_of_stream": True}))
    assert paginator.finished


@pytest.mark.parametrize("cursor", [None, ""])
def test_cursor_export_page_without_cursor_ends_the_read_with_a_warning(caplog, cursor):
    # Unconfirmed shape: an empty page with a null after_cursor before end_of_stream. Asking
    # for the same cursor again would give the same page, so the read stops, without error.
    paginator = ExportCursorPaginator()
    paginator.advance(page({"tickets": [{}], "after_cursor": "c1", "end_of_stream": False}))
    with caplog.at_level(logging.WARNING, logger="tap-zendesk-objects"):
        paginator.advance(page({"tickets": [], "after_cursor": cursor, "end_of_stream": False}))
    assert paginator.finished
    assert "no after_cursor before end_of_stream" in caplog.text
    assert "/api/v2/incremental/tickets/cursor" in caplog.text and "abc" not in caplog.text


def test_list_follows_meta_or_the_offset_envelope():
    cursor = ListCursorPaginator()
    cursor.advance(page({"meta": {"has_more": True, "after_cursor": "a1"}, "links": {}}))
    assert cursor.current_value == {"page[after]": "a1"}
    cursor.advance(page({"meta": {"has_more": False, "after_cursor": "a2"}}))
    assert cursor.finished
    offset = ListCursorPaginator()
    offset.advance(
        page({"next_page": "https://acme.zendesk.com/api/v2/x.json?page=2&per_page=100"})
    )
    assert offset.current_value == {"page": "2", "per_page": "100"}
    offset.advance(page({"next_page": None}))
    assert offset.finished


def test_time_export_always_moves_forward():
    paginator = TimeExportPaginator(start_time=100)
    paginator.advance(page({"end_time": 100, "end_of_stream": False}))  # one shared second
    assert paginator.current_value == {"start_time": 101}
    paginator.advance(page({"end_time": 250, "end_of_stream": False}))
    assert paginator.current_value == {"start_time": 250}
    paginator.advance(page({"end_time": 260, "end_of_stream": True}))
    assert paginator.finished


def test_time_export_without_end_of_stream_stops_on_an_empty_or_stuck_page():
    # Zendesk's reference shows the ticket metric event export without end_of_stream.
    paginator = TimeExportPaginator(start_time=100)
    paginator.advance(page({"count": 1000, "end_time": 200}))
    assert paginator.current_value == {"start_time": 200} and not paginator.finished
    paginator.advance(page({"count": 3, "end_time": 230}))  # fewer than asked: maybe not the end
    assert paginator.current_value == {"start_time": 230} and not paginator.finished
    paginator.advance(page({"count": 0, "end_time": 230}))
    assert paginator.finished
    stuck = TimeExportPaginator(start_time=100)
    stuck.advance(page({"count": 2, "end_time": 100}))
    assert stuck.finished


def test_lists_without_pagination_are_one_page():
    # schedules, custom_roles, custom_statuses: no pagination documented, so neither envelope.
    paginator = ListCursorPaginator()
    paginator.advance(page({"schedules": [{"id": 1}]}))
    assert paginator.finished


def test_a_time_export_page_with_only_a_next_page_link_is_followed_by_it():
    # The Help Center's article export documents `next_page` carrying the new start_time;
    # a page without `end_time` must neither end the read nor crawl second by second.
    paginator = TimeExportPaginator(1000)
    link = "https://acme.zendesk.com/api/v2/help_center/incremental/articles.json?start_time=5000"
    paginator.advance(page({"articles": [{}], "next_page": link, "count": 1}))
    assert paginator.current_value == {"start_time": 5000} and not paginator.finished
    paginator.advance(page({"articles": [], "next_page": None, "count": 0}))
    assert paginator.finished
