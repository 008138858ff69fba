-- One row per ticket, as Fivetran's `ticket` table. The ticket's `system_*` columns are the
-- context of the update that created it (ticket_events); custom fields pass through.
{%- set tickets = require_tap_table('tickets', 'tickets') %}
with creation as (
    select distinct on (ticket_id)
        ticket_id, context_client, context_location, context_latitude, context_longitude
    from {{ require_tap_table('ticket_events', 'ticket_events') }}
    order by ticket_id, "timestamp", ticket_event_id
)

select
    {{ fivetran_synced('t.') }},
    {{ fivetran_deleted('t.') }},
    t.allow_channelback,
    t.assignee_id,
    t.brand_id,
    t.created_at,
    t.description,
    t.due_at,
    t.external_id,
    t.forum_topic_id,
    t.group_id,
    t.has_incidents,
    t.id,
    t.is_public,
    cast(null as text) as merged_ticket_ids,
    t.organization_id,
    t.priority,
    t.problem_id,
    t.recipient,
    t.requester_id,
    t.status,
    t.subject,
    t.submitter_id,
    cast(null as bigint) as system_ccs,
    c.context_client as system_client,
    cast(null as text) as system_ip_address,
    cast(null as bigint) as system_json_email_identifier,
    cast(c.context_latitude as double precision) as system_latitude,
    c.context_location as system_location,
    cast(c.context_longitude as double precision) as system_longitude,
    cast(null as bigint) as system_machine_generated,
    cast(null as bigint) as system_message_id,
    cast(null as bigint) as system_raw_email_identifier,
    t.ticket_form_id,
    t.type,
    t.updated_at,
    t.url,
    t.via ->> 'channel' as via_channel,
    t.via -> 'source' -> 'from' ->> 'address' as via_source_from_address,
    t.via -> 'source' -> 'from' ->> 'id' as via_source_from_id,
    t.via -> 'source' -> 'from' ->> 'title' as via_source_from_title,
    t.via -> 'source' ->> 'rel' as via_source_rel,
    t.via -> 'source' -> 'to' ->> 'address' as via_source_to_address,
    t.via -> 'source' -> 'to' ->> 'name' as via_source_to_name
    {{ custom_field_columns(tickets, 't.') }}
from {{ tickets }} as t
left join creation as c on c.ticket_id = t.id
