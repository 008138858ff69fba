"""Updated CSAT: the survey responses of `GET /api/v2/guide/survey_responses`.

A response has no creation time of its own; its first answer's `created_at` is the moment it
was created, which the list's `filter[created_at_start|end]` compare with (in epoch
milliseconds). Responders may change their answers until `expires_at`, so a few responses
are still editable, and edits change an answer and its `updated_at` but not the creation.

Zendesk documents two shapes of a response: nested (`survey` {id, version, state},
`subjects[]`, `subject_zrns`) and flat (`survey_id`, `survey_version`, `subject_zrns`, one
example even spelling `zrn:ticket:<n>`). The responses are kept in one form here and shown in
either, as `emulator.csat_shape` says ("mixed": some of each).
"""

from __future__ import annotations

import random
import uuid
from typing import TYPE_CHECKING, Any

from tests.emulator.conversation_messages import iso_ms, ulid
from tests.emulator.conversations import is_messaging
from tests.emulator.zendesk import DAY, parse_iso

if TYPE_CHECKING:
    from tests.emulator.account import Account

SURVEY_ID = "01J58KJ9RAE0D2EK7HRVM7Z8F2"
SURVEY_VERSION = 3  # the enabled version; older ones are disabled
Q_RATING = "01J1WBE8QR0YQVE373K2JDJR0F"
Q_REASON = "01J1WBH2B3QX0ZKJ4DSF1F7R3M"
Q_COMMENT = "01J1WBNS76ZC4TTFWP9RCNQ1S8"
REASON_OPTIONS = ("01J1WBJ0AAAA0000000000000A", "01J1WBJ0AAAA0000000000000B", "01J1WBJ0CCC")
# The rating question's type in each survey version.
RATING_TYPES = {1: "rating_scale_emoji", 2: "rating_scale_custom_text", 3: "rating_scale_numeric"}
CATEGORY = {1: "bad", 2: "bad", 3: "neutral", 4: "good", 5: "good"}
EDIT_DAYS = 7  # how long a responder may change a response
SHAPES = ("mixed", "nested", "flat")
_COMMENTS = ("Took too long", "Great help, merci ✓", "东西坏了", "", "Agent was lovely 🙂")


class Csat:
    """The account's survey responses (kept in one form; `render` gives Zendesk's shapes)."""

    def __init__(self) -> None:
        self.responses: dict[str, dict[str, Any]] = {}
        self.created_ms: dict[str, int] = {}  # the hidden creation moment
        self.flat: dict[str, str] = {}  # responses shown flat in "mixed", with their zrn prefix

    def build(self, account: Account, rng: random.Random) -> None:
        """Responses over the account's time span, on solved tickets, a few still editable."""
        tickets = [t for t in account._data["tickets"].values() if t["status"] != "deleted"]
        solved = [t for t in tickets if t["status"] in ("solved", "closed")] or tickets
        if not solved:
            return
        n = account._n(250)
        editable = max(3, n // 25)
        for k in range(n):
            ticket = rng.choice(solved)
            if k < editable:  # created in the last days: expires_at still ahead
                lo, hi = account.now - (EDIT_DAYS - 1) * DAY, account._t1
            else:
                lo = max(account._t0, parse_iso(ticket["updated_at"]))
                hi = min(lo + EDIT_DAYS * DAY, account._t1)
            ms = rng.randint(min(lo, hi) * 1000, hi * 1000)
            rid = self.add(account, rng, ticket, ms)
            if rng.random() < 0.15:
                self.flat[rid] = "zrn" if not self.flat else "zen"

    def add(self, account: Account, rng: random.Random, ticket: dict, ms: int) -> str:
        """A new response of the ticket's requester created at epoch milliseconds `ms`."""
        version = SURVEY_VERSION if rng.random() < 0.7 else rng.choice((1, 2))
        rid = ulid(ms, rng.getrandbits(80))
        conversation = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.responses[rid] = {
            "id": rid,
            "responder_id": ticket["requester_id"],
            "expires_at": iso_ms(ms + EDIT_DAYS * DAY * 1000),
            "ticket_id": ticket["id"],
            "conversation": conversation if is_messaging(ticket) else None,
            "survey_version": version,
            "answers": self._answers(rng, version, ms, account._t1 * 1000),
        }
        self.created_ms[rid] = ms
        return rid

    def _answers(self, rng: random.Random, version: int, ms: int, latest: int) -> list[dict]:
        rating_q = {"id": Q_RATING, "type": RATING_TYPES[version]}
        rating_q["sub_type"] = "customer_satisfaction"
        answers: list[dict[str, Any]] = []
        if rng.random() < 0.04:
            answers.append({"type": "skipped", "question": rating_q})
        else:
            rating = rng.choices((1, 2, 3, 4, 5), (10, 8, 12, 30, 40))[0]
            answers.append(
                {
                    "type": "rating_scale",
                    "rating": rating,
                    "rating_category": CATEGORY[rating],
                    "question": rating_q,
                }
            )
        if rng.random() < 0.5:
            picks = rng.sample(REASON_OPTIONS, rng.randint(1, 2))
            answers.append(
                {
                    "type": "closed_ended",
                    "selections": [{"type": "predefined", "option_id": o} for o in picks],
                    "question": {"id": Q_REASON, "type": "closed_ended", "sub_type": "other"},
                }
            )
        roll = rng.random()
        comment_q = {"id": Q_COMMENT, "type": "open_ended"}
        if roll < 0.6:
            answers.append(
                {"type": "open_ended", "value": rng.choice(_COMMENTS), "question": comment_q}
            )
        elif roll < 0.7:
            answers.append({"type": "skipped", "question": comment_q})
        at = ms
        for answer in answers:
            updated = at
            if rng.random() < 0.1:  # changed before it expired
                updated = min(at + rng.randint(1, EDIT_DAYS * DAY) * 1000, max(at, latest))
            answer["created_at"], answer["updated_at"] = iso_ms(at), iso_ms(updated)
            at += rng.randint(2_000, 90_000)
        return answers

    def edit(self, rid: str, rng: random.Random, ms: int) -> None:
        """Change the rating (or the comment) of a response; its `updated_at` becomes `ms`."""
        answers = self.responses[rid]["answers"]
        rated = next((a for a in answers if a["type"] == "rating_scale"), None)
        if rated is not None:
            rated["rating"] = rng.choice([r for r in CATEGORY if r != rated["rating"]])
            rated["rating_category"] = CATEGORY[rated["rating"]]
            rated["updated_at"] = iso_ms(ms)
            return
        first = answers[0]  # the rating question, skipped: answered now
        first |= {"type": "rating_scale", "rating": 5, "rating_category": "good"}
        first["updated_at"] = iso_ms(ms)

    def render(self, rid: str, shape: str) -> dict[str, Any]:
        """A response in Zendesk's nested or flat shape ("mixed": as it was built)."""
        r = self.responses[rid]
        flat = shape == "flat" or (shape == "mixed" and rid in self.flat)
        prefix = self.flat.get(rid, "zen") if flat else "zen"
        zrns = [f"{prefix}:ticket:{r['ticket_id']}"]
        if r["conversation"]:
            zrns.append(f"zen:conversation:{r['conversation']}")
        head = {"id": rid, "responder_id": r["responder_id"], "expires_at": r["expires_at"]}
        if flat:
            survey = {"survey_id": SURVEY_ID, "survey_version": r["survey_version"]}
            return head | survey | {"subject_zrns": zrns, "answers": r["answers"]}
        subjects = [{"id": str(r["ticket_id"]), "type": "ticket", "zrn": zrns[0]}]
        if r["conversation"]:
            subjects.append({"id": r["conversation"], "type": "conversation", "zrn": zrns[1]})
        state = "enabled" if r["survey_version"] == SURVEY_VERSION else "disabled"
        return head | {
            "subject_zrns": zrns,
            "subjects": subjects,
            "survey": {"id": SURVEY_ID, "version": r["survey_version"], "state": state},
            "answers": r["answers"],
        }

    def rating(self, rid: str) -> int | None:
        """The customer-satisfaction rating of a response (None when skipped)."""
        for answer in self.responses[rid]["answers"]:
            if answer["type"] == "rating_scale" and answer["question"].get("sub_type") == (
                "customer_satisfaction"
            ):
                return answer["rating"]
        return None
