"""Business rules: macros, triggers, automations, views and SLA policies (all opt-in).

Zendesk offers no changed-since filter on these lists, so each is read in full every run.
"""

from __future__ import annotations

from tap_zendesk_objects.schemas.rules import AUTOMATIONS, MACROS, SLA_POLICIES, TRIGGERS, VIEWS
from tap_zendesk_objects.streams.families import ListStream


class MacrosStream(ListStream):
    """Macros: for an admin, every macro of the account, agents' personal ones included."""

    name = "macros"
    path = "/api/v2/macros"
    records_key = "macros"
    schema = MACROS
    selected_by_default = False


class TriggersStream(ListStream):
    """Ticket triggers."""

    name = "triggers"
    path = "/api/v2/triggers"
    records_key = "triggers"
    schema = TRIGGERS
    selected_by_default = False


class AutomationsStream(ListStream):
    """Automations (time-based rules)."""

    name = "automations"
    path = "/api/v2/automations"
    records_key = "automations"
    schema = AUTOMATIONS
    selected_by_default = False


class ViewsStream(ListStream):
    """Shared views, and the personal views of the user whose credentials the tap uses."""

    name = "views"
    path = "/api/v2/views"
    records_key = "views"
    schema = VIEWS
    selected_by_default = False


class SlaPoliciesStream(ListStream):
    """SLA policies; plans without them answer 403/404 and the stream stays empty."""

    name = "sla_policies"
    path = "/api/v2/slas/policies"
    records_key = "sla_policies"
    schema = SLA_POLICIES
    selected_by_default = False
    plan_gated = True
    plan_requirement = "SLA policies need Support Professional or Suite Growth and up."
