"""The account's tickets, their updates (ticket events), attachments and metric sets.

A mixin of `Account` (account.py): tickets join the account's users, groups, forms and
custom fields (account_people.py, account_fields.py).
"""

from __future__ import annotations

import random
from typing import Any

from tests.emulator.account_build import Generator
from tests.emulator.zendesk import API, CHANNEL_VIA, DAY, ZENDESK_HOST, iso

_LONG_BODY = ("Lorem ipsum dolor sit amet, ünïcödé 😀 " * 1800)[:65000]


class TicketsGenerator(Generator):
    """Builds tickets with their updates and metric sets; makes new ones."""

    def _attachment(self, rng: random.Random, thumbs: bool, image: bool | None = None) -> dict:
        aid = self._next_id("att", 50_000_000, 29, 9_600_000_000)
        if image is None:
            image = rng.random() < 0.5
        name, ctype = (
            rng.choice([("screenshot.png", "image/png"), ("photo ü.jpg", "image/jpeg")])
            if image
            else rng.choice([("invoice.pdf", "application/pdf"), ("log.txt", "text/plain")])
        )
        url = f"{ZENDESK_HOST}/attachments/token/tok{aid}/?name={name}"
        rec = {
            "id": aid,
            "url": f"{API}/attachments/{aid}.json",
            "file_name": name,
            "content_url": url,
            "mapped_content_url": url,
            "content_type": ctype,
            "size": rng.randint(10, 5_000_000),
            "width": rng.randint(10, 4000) if image else None,
            "height": rng.randint(10, 4000) if image else None,
            "inline": rng.random() < 0.1,
            "deleted": False,
            "malware_access_override": False,
            "malware_scan_result": rng.choice(["malware_not_found"] * 5 + ["not_scanned"]),
            "thumbnails": [],
        }
        if thumbs and image:
            thumb = self._attachment(rng, thumbs=False, image=True)
            thumb["file_name"] = "thumb_" + name
            thumb["width"], thumb["height"] = 80, 80
            rec["thumbnails"] = [thumb]
        return rec

    def _event_id(self) -> int:
        return self._next_id("event", 10_000_000, 23, 9_500_000_000)

    def _comment_child(
        self, rng: random.Random, parent: dict, author: int, channel: str, force_att: bool = False
    ) -> dict:
        body = _LONG_BODY if rng.random() < 0.003 else self._text(rng, 3, 40)
        public = rng.random() < 0.8
        atts = []
        if force_att or rng.random() < 0.2:
            atts = [
                self._attachment(rng, thumbs=rng.random() < 0.5) for _ in range(rng.randint(1, 2))
            ]
        return {
            "id": self._event_id(),
            "type": "Comment",
            "event_type": "Comment",
            "author_id": author,
            "body": body,
            "html_body": f'<div class="zd-comment"><p>{body}</p></div>',
            "plain_body": body,
            "public": public,
            "attachments": atts,
            "audit_id": parent["id"],
            "created_at": parent["created_at"],
            "via": {
                "channel": channel,
                "source": {
                    "from": {"address": "someone@example.com"} if channel == "email" else {},
                    "to": {},
                    "rel": None,
                },
            },
            "via_reference_id": None,
            "metadata": {"system": dict(parent["system"]), "custom": {}},
            "uploads": [],
        }

    def _new_update(self, ticket: dict, ts: int, updater: int, channel: str) -> dict:
        rng = self._rng
        system: dict[str, Any] = {
            "client": rng.choice(["Mozilla/5.0 (X11; Linux x86_64)", "Zendesk iOS", "curl/8.0"]),
            "ip_address": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "location": rng.choice(["Copenhagen, 84, Denmark", "Zürich, Switzerland", "東京"]),
            "latitude": round(rng.uniform(-60, 60), 4),
            "longitude": round(rng.uniform(-120, 120), 4),
        }
        for key in list(system):
            if rng.random() < 0.1:
                del system[key]
        via = CHANNEL_VIA.get(channel, "Web form")
        parent = {
            "id": self._event_id(),
            "ticket_id": ticket["id"],
            "timestamp": ts,
            "created_at": iso(ts),
            "updater_id": updater,
            "via": via,
            "via_reference_id": rng.choice([None, None, 360_001_234])
            if channel == "rule"
            else None,
            "system": system,
            "event_type": "Audit",
            "child_events": [],
        }
        return parent

    def _field_child(
        self, parent: dict, kind: str, field: str, value: Any, prev: Any = None
    ) -> dict:
        child = {
            "id": self._event_id(),
            "event_type": kind,
            "via": parent["via"],
            "via_reference_id": parent["via_reference_id"],
            field: value,
        }
        if kind == "Change":
            child["previous_value"] = prev
        return child

    def _notification(self, parent: dict, ticket: dict) -> dict:
        return {
            "id": self._event_id(),
            "event_type": "Notification",
            "via": "Rule",
            "via_reference_id": 360_005_678,
            "subject": "[{{ticket.account}}] Re: {{ticket.title}}",
            "body": "Your request ({{ticket.id}}) has been updated.",
            "recipients": [ticket["requester_id"]],
        }

    def _store_update(self, parent: dict) -> None:
        self._put("ticket_events", parent, parent["timestamp"])

    def _new_ticket(self, created: int, last: int, gen: int, n_more: int, deleted: bool) -> dict:
        rng = self._rng
        tid = self._next_id("ticket", 0, 19, 9_000_000_000)
        channel = rng.choice(["web", "web", "email", "email", "api", "mobile", "chat", "voice"])
        requester = rng.choice(self._end_user_ids or self._user_ids)
        assignee = None if rng.random() < 0.1 else rng.choice(self._agent_ids)
        subject = rng.choice(["", self._text(rng, 2, 8), "Ärger mit dem Drucker 🖨️", "x" * 500])
        status = rng.choice(
            ["new", "open", "open", "pending", "hold", "solved", "solved", "closed"]
        )
        priority = rng.choice([None, "low", "normal", "normal", "high", "urgent"])
        tags = rng.sample(["billing", "bug", "vip", "refund", "ünïcode", "api"], rng.randint(0, 3))
        custom_fields = []
        for fid, ftype in self.ticket_field_types.items():
            value = self._custom_value(ftype, self.ticket_field_options.get(fid), ticket=True)
            custom_fields.append({"id": fid, "value": value})
        ticket: dict[str, Any] = {
            "id": tid,
            "url": f"{API}/tickets/{tid}.json",
            "external_id": rng.choice([None, None, f"ext-{tid}"]),
            "type": rng.choice([None, "problem", "incident", "question", "task"]),
            "subject": subject,
            "raw_subject": subject,
            "description": "",
            "priority": priority,
            "status": status,
            "custom_status_id": 360_000_100
            + ["new", "open", "pending", "hold", "solved", "closed"].index(status),
            "recipient": rng.choice([None, "support@emulator.zendesk.com"]),
            "requester_id": requester,
            "submitter_id": requester,
            "assignee_id": assignee,
            "organization_id": self._data["users"][requester]["organization_id"],
            "group_id": rng.choice([None, *self._group_ids]),
            "brand_id": 360_000_111,
            "ticket_form_id": rng.choice(self._form_ids),
            "problem_id": None,
            "forum_topic_id": None,
            "collaborator_ids": rng.sample(self._user_ids, rng.randint(0, 2)),
            "follower_ids": rng.sample(
                self._agent_ids, min(len(self._agent_ids), rng.randint(0, 1))
            ),
            "email_cc_ids": [],
            "followup_ids": [],
            "sharing_agreement_ids": [],
            "tags": tags,
            "has_incidents": False,
            "is_public": True,
            "allow_channelback": False,
            "allow_attachments": True,
            "from_messaging_channel": channel == "chat",
            "due_at": None,
            "created_at": iso(created),
            "updated_at": iso(last),
            "generated_timestamp": gen,
            "satisfaction_rating": None,
            "custom_fields": custom_fields,
            "fields": [dict(cf) for cf in custom_fields],
            "via": {
                "channel": channel,
                "source": {
                    "from": {"address": "cust@example.com", "name": "Cust"}
                    if channel == "email"
                    else {},
                    "to": {"address": "support@emulator.zendesk.com"} if channel == "email" else {},
                    "rel": rng.choice([None, "web_widget"]) if channel == "web" else None,
                },
            },
        }
        if ticket["type"] == "task":
            ticket["due_at"] = iso(self._time(created, created + 30 * DAY))
        # creation update: 1-4 children
        parent = self._new_update(ticket, created, requester, channel)
        comment = self._comment_child(rng, parent, requester, channel)
        comment["public"] = True
        ticket["description"] = comment["body"]
        kids = [self._field_child(parent, "Create", "status", "new"), comment]
        if priority is not None:
            kids.insert(1, self._field_child(parent, "Create", "priority", priority))
        if tags and len(kids) < 4:
            kids.insert(1, self._field_child(parent, "Create", "tags", tags))
        if rng.random() < 0.15 and len(kids) < 4:
            kids.append(self._notification(parent, ticket))
        if rng.random() < 0.08:  # an update with a single child
            kids = [comment]
        parent["child_events"] = kids
        self._store_update(parent)
        # later updates
        if n_more:
            times = [*sorted(self._time(created, last) for _ in range(n_more - 1)), last]
            prev_status = "new"
            for k, ts in enumerate(times):
                upd_status = (
                    status if k == len(times) - 1 else rng.choice(["open", "pending", "hold"])
                )
                updater = rng.choice([-1, assignee or requester, requester, *self._agent_ids[:3]])
                parent = self._new_update(ticket, ts, updater, rng.choice([channel, "web", "rule"]))
                kids = []
                if upd_status != prev_status:
                    kids.append(
                        self._field_child(parent, "Change", "status", upd_status, prev_status)
                    )
                    prev_status = upd_status
                if rng.random() < 0.5:
                    author = updater if updater != -1 else requester
                    kids.append(self._comment_child(rng, parent, author, channel))
                if rng.random() < 0.2:
                    kids.append(self._field_child(parent, "Change", "assignee_id", assignee, None))
                if rng.random() < 0.15:
                    kids.append(self._notification(parent, ticket))
                if not kids:
                    kids.append(self._field_child(parent, "Change", "priority", "high", priority))
                parent["child_events"] = kids[:4]
                self._store_update(parent)
        if deleted:
            ticket["status"] = "deleted"
        self._put("tickets", ticket, gen)
        if not deleted:
            self._new_metric_set(ticket, created, max(last, gen))
        return ticket

    def _new_metric_set(self, ticket: dict, created: int, updated: int) -> None:
        rng = self._rng
        mid = self._next_id("metric", 70_000_000, 31, 9_700_000_000)
        solved = ticket["status"] in ("solved", "closed")

        def dur() -> dict:
            if rng.random() < 0.15:
                return {"calendar": None, "business": None}
            c = rng.randint(0, 50_000)
            return {"calendar": c, "business": rng.randint(0, c)}

        def maybe_ts() -> str | None:
            return None if rng.random() < 0.2 else iso(self._time(created, updated))

        rec = {
            "id": mid,
            "ticket_id": ticket["id"],
            "url": f"{API}/ticket_metrics/{mid}.json",
            "group_stations": rng.randint(0, 4),
            "assignee_stations": rng.randint(0, 4),
            "reopens": rng.randint(0, 3),
            "replies": rng.randint(0, 12),
            "assignee_updated_at": maybe_ts(),
            "requester_updated_at": maybe_ts(),
            "status_updated_at": iso(updated),
            "initially_assigned_at": maybe_ts(),
            "assigned_at": maybe_ts(),
            "solved_at": iso(updated) if solved else None,
            "latest_comment_added_at": maybe_ts(),
            "custom_status_updated_at": maybe_ts(),
            "reply_time_in_minutes": dur(),
            "first_resolution_time_in_minutes": dur()
            if solved
            else {"calendar": None, "business": None},
            "full_resolution_time_in_minutes": dur()
            if solved
            else {"calendar": None, "business": None},
            "agent_wait_time_in_minutes": dur(),
            "requester_wait_time_in_minutes": dur(),
            "on_hold_time_in_minutes": dur(),
            "reply_time_in_seconds": {"calendar": rng.choice([None, rng.randint(0, 9999)])},
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        self._put("ticket_metrics", rec, updated)
        self.metric_by_ticket[ticket["id"]] = mid

    def _build_tickets(self) -> None:
        rng = self._rng
        n = self._n(1000)
        big_moment = self._bulk_moments[len(self._bulk_moments) // 2]
        for i in range(n):
            created = self._time(self._t0, self._t1 - 3600)
            n_more = rng.choices([0, 1, 2, 3], weights=[35, 40, 17, 8])[0]
            last = created
            if n_more:
                last = self._time(created + 60, min(created + 60 * DAY, self._t1))
                last = self._bulk_or(last, created, 0.08)
            gen = last
            if rng.random() < 0.3:
                gen = min(self._t1, last + rng.randint(1, 3 * DAY))
            if i % 25 == 0 and big_moment > last:  # one big shared second (a mass update)
                gen = big_moment
            deleted = rng.random() < 0.03
            if deleted:
                gen = self._time(gen, self._t1)
            ticket = self._new_ticket(created, last, gen, n_more, deleted)
            if rng.random() < 0.03:
                self.ai_ticket_ids.add(ticket["id"])
        self._ticket_ids = list(self._data["tickets"])
