"""Messaging conversations (the conversation log) and the updated CSAT's survey responses."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.http.rate_buckets import CONVERSATION_LOG_BUCKET
from tap_zendesk_objects.schemas.conversations import CONVERSATION_LOG, CSAT_SURVEY_RESPONSES
from tap_zendesk_objects.streams.families import ListStream
from tap_zendesk_objects.streams.follow_ups import FollowUpStream
from tap_zendesk_objects.streams.tickets import TicketsStream
from tap_zendesk_objects.timeutil import bookmark_epoch, to_epoch

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

# `via.channel` of messaging tickets, by name and by Zendesk's number for it: asked for even
# when a ticket lacks `from_messaging_channel` (a fallback; the flag is the first test).
MESSAGING_CHANNELS = frozenset(
    {
        "chat",  # routed as messaging in Zendesk's table of Via types
        "native_messaging",
        "line",
        "wechat",
        "whatsapp",
        "messagebird_sms",
        "sunshine_conversations_facebook_messenger",
        "telegram",
        "twilio_sms",
        "viber",
        "google_rcs",
        "apple_business_chat",
        "google_business_messages",
        "kakaotalk",
        "instagram_dm",
        "sunshine_conversations_api",
        "sunshine_conversations_twitter_dm",
        "chat_transcript",
        "business_messaging_slack_connect",
    }
)
MESSAGING_CHANNEL_IDS = frozenset({29, 72, 73, 74, 75, *range(77, 89), 90, 91})
# A survey response's ticket: `zen:ticket:99` (or `zrn:ticket:99` in one documented example).
TICKET_ZRN = re.compile(r"(?:^|:)ticket:(\d+)$")

_Default = TypeVar("_Default")


def is_messaging(ticket: dict[str, Any]) -> bool:
    """True for a ticket from a messaging channel (flag, else its `via.channel`)."""
    if ticket.get("from_messaging_channel") is True:
        return True
    via = ticket.get("via")
    channel = via.get("channel") if isinstance(via, dict) else None
    if isinstance(channel, int) and not isinstance(channel, bool):
        return channel in MESSAGING_CHANNEL_IDS
    if isinstance(channel, str) and channel.strip().isdigit():
        return int(channel) in MESSAGING_CHANNEL_IDS
    return channel in MESSAGING_CHANNELS


def plain_text(content: Any) -> str | None:
    """A message's plain text: `text`, else `body`, else `textFallback`."""
    if not isinstance(content, dict):
        return None
    for key in ("text", "body", "textFallback"):
        value = content.get(key)
        if isinstance(value, str):
            return value
    return None


def _object(value: Any, default: _Default) -> dict[str, Any] | _Default:
    """`value` when it is a JSON object, else `default`."""
    return value if isinstance(value, dict) else default


def log_row(event: dict[str, Any], ticket_id: int | None) -> dict[str, Any]:
    """One conversation_log row: the event, its ticket, and its nested values as columns."""
    author = _object(event.get("author"), {})
    content = _object(event.get("content"), None)
    metadata = _object(event.get("metadata"), {})
    source = _object(event.get("source"), {})
    public = metadata.get("public", metadata.get("is_public"))
    support_user = author.get("zen:support:user_id")
    event["ticket_id"] = ticket_id
    event["author_type"] = author.get("type")
    event["author_user_id"] = support_user if isinstance(support_user, int) else None
    event["author_sunco_user_id"] = author.get("zen:sunco:user_id")
    event["author_display_name"] = author.get("display_name")
    event["content_type"] = content.get("type") if content else None
    event["text"] = plain_text(content)
    event["public"] = public if isinstance(public, bool) else None
    event["source_type"] = source.get("type")
    return event


class ConversationLogStream(FollowUpStream):
    """Every event of the conversation log of the messaging tickets the tickets export returned.

    Messaging messages are not in the ticket event export, so ticket_comments misses them;
    the log holds them (and the ticket's comments again, as `Comment` events). One request
    per page of each changed messaging ticket, in a budget of the endpoint's own.
    """

    name = "conversation_log"
    path = "/api/v2/tickets/{ticket_id}/conversation_log"
    records_key = "events"
    schema = CONVERSATION_LOG
    parent_stream_type = TicketsStream
    rate_bucket = CONVERSATION_LOG_BUCKET
    renamed_keys: ClassVar[dict[str, str]] = {"received_at": "message_received_at"}
    plan_requirement = (
        "The conversation log is in Zendesk's early access program: the account, or these "
        "credentials, cannot read it."
    )

    def ticket_to_read(self, record: dict) -> int | None:
        """Messaging tickets only; deleted ones have no log left to read."""
        if record.get("status") == "deleted" or not is_messaging(record):
            return None
        return record.get("id")

    def fixed_params(self) -> PageParams:
        """Cursor pages of 100, oldest first (Zendesk's default order is not documented)."""
        return {"page[size]": 100, "sort": "created_at"}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Each event with its ticket and its columns."""
        return [log_row(event, self.ticket_id) for event in records]


def survey_ticket_id(response: dict[str, Any]) -> int | None:
    """The ticket a response is about, from any of its zrns that ends `ticket:<n>`."""
    zrns = list(response.get("subject_zrns") or [])
    zrns += [s.get("zrn") for s in response.get("subjects") or [] if isinstance(s, dict)]
    for zrn in zrns:
        match = TICKET_ZRN.search(zrn) if isinstance(zrn, str) else None
        if match:
            return int(match.group(1))
    return None


def survey_row(response: dict[str, Any]) -> dict[str, Any]:
    """A response with its survey, ticket, times, rating and first comment as columns."""
    survey = _object(response.get("survey"), {})
    answers = [a for a in response.get("answers") or [] if isinstance(a, dict)]
    rating = next(
        (
            a
            for a in answers
            if a.get("type") == "rating_scale"
            and (a.get("question") or {}).get("sub_type") == "customer_satisfaction"
        ),
        next((a for a in answers if a.get("type") == "rating_scale"), {}),
    )
    comment = next((a.get("value") for a in answers if a.get("type") == "open_ended"), None)
    created = [a["created_at"] for a in answers if a.get("created_at")]
    updated = [a.get("updated_at") or a.get("created_at") for a in answers]
    response["survey_id"] = survey.get("id", response.get("survey_id"))
    response["survey_version"] = survey.get("version", response.get("survey_version"))
    response["survey_state"] = survey.get("state", response.get("survey_state"))
    response["ticket_id"] = survey_ticket_id(response)
    response["created_at"] = min(created, key=_epoch) if created else None
    response["updated_at"] = max((u for u in updated if u), key=_epoch, default=None)
    response["rating"] = rating.get("rating")
    response["rating_category"] = rating.get("rating_category")
    response["comment"] = comment
    response["answers"] = answers
    return response


def _epoch(value: str) -> float:
    return to_epoch(value) or 0


class CsatSurveyResponsesStream(ListStream):
    """Survey responses of the updated CSAT, created since the bookmark or still editable.

    A responder may change an answer until the response's `expires_at`: each run reads from
    the creation of the oldest response that was still editable when last read, so a changed
    answer is caught; responses created since the bookmark come with it.
    """

    name = "csat_survey_responses"
    path = "/api/v2/guide/survey_responses"
    records_key = "survey_responses"
    replication_key = "created_at"
    schema = CSAT_SURVEY_RESPONSES
    selected_by_default = False
    plan_gated = True
    plan_requirement = (
        "Survey responses need the updated CSAT (Support Professional or Suite Growth and "
        "above) and an admin's credentials."
    )

    def run_params(self, context: Context | None) -> PageParams:
        """Responses created from the bookmark, or the oldest still editable, on."""
        start = self.start_epoch(context)
        editable = bookmark_epoch(self.stream_state.get(EDITABLE_KEY))
        if editable is not None:
            start = min(start, editable)
        self._now = time.time()
        self._editable_from: float | None = None
        return {"filter[created_at_start]": start * 1000, "sort": "id"}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Rows, noting the oldest response still open to changes."""
        rows = [survey_row(response) for response in records]
        editable = [
            created
            for row in rows
            if (to_epoch(row.get("expires_at")) or 0) > self._now
            and (created := to_epoch(row.get("created_at"))) is not None
        ]
        if editable:
            known = self._editable_from
            self._editable_from = min(editable) if known is None else min(known, *editable)
        return rows

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        """After a whole read, remember where the responses still editable begin."""
        yield from super().get_records(context)
        if not self.skipped:
            if self._editable_from is None:
                self.stream_state.pop(EDITABLE_KEY, None)
            else:
                self.stream_state[EDITABLE_KEY] = int(self._editable_from)


# The stream state key holding the creation (epoch) of the oldest response still editable.
EDITABLE_KEY = "editable_since"
