-- One row per change of a ticket field, at the change's time, by its updater: the Create and
-- Change events of the ticket event export (standard fields by name, custom fields by their
-- numeric id), plus the SLA targets and policies Zendesk applied (ticket metric events), in
-- the form ticket audits give them: {"minutes": n, "in_business_hours": bool} and the title.
with changes as (
    select
        e.ticket_id,
        e.field_name,
        e.value,
        e."timestamp" as updated,
        e.updater_id as user_id,
        e.received_at
    from {{ require_tap_table('ticket_events', 'ticket_events') }} as e
    where e.event_type in ('Create', 'Change')
        and e.field_name is not null
),

updaters as (
    -- Who made the update an SLA was applied in (the same ticket, the same second).
    select ticket_id, "timestamp" as updated, min(updater_id) as user_id
    from {{ require_tap_table('ticket_events', 'ticket_events') }}
    group by ticket_id, "timestamp"
),

policies as (
    -- One sla_policy row per ticket and application time.
    select distinct on (a.ticket_id, a.applied_at)
        a.ticket_id,
        'sla_policy' as field_name,
        a.sla_policy_title as value,
        a.applied_at as updated,
        a.received_at
    from {{ ref('tap_sla_applications') }} as a
    where a.sla_policy_title is not null
    order by a.ticket_id, a.applied_at, a.sla_policy_id
),

sla_rows as (
    select
        a.ticket_id,
        a.metric as field_name,
        cast(json_build_object(
            'minutes', a.target_minutes, 'in_business_hours', a.in_business_hours
        ) as text) as value,
        a.applied_at as updated,
        a.received_at
    from {{ ref('tap_sla_applications') }} as a
    union all
    select ticket_id, field_name, value, updated, received_at from policies
)

select
    cast(c.received_at as timestamp) as _fivetran_synced,
    c.field_name,
    c.ticket_id,
    c.updated,
    c.user_id,
    c.value
from changes as c
union all
select
    cast(s.received_at as timestamp) as _fivetran_synced,
    s.field_name,
    s.ticket_id,
    s.updated,
    coalesce(u.user_id, -1) as user_id,
    s.value
from sla_rows as s
left join updaters as u on u.ticket_id = s.ticket_id and u.updated = s.updated
