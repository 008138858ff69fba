{{ config(materialized='ephemeral') }}
-- Each SLA target Zendesk applied to a ticket (ticket metric events of type apply_sla), with
-- the metric named as SLA policies and ticket audits name it: reply_time's first instance is
-- first_reply_time, later instances next_reply_time.
select
    e.id,
    e.ticket_id,
    e.time as applied_at,
    case
        when e.metric = 'reply_time' and coalesce(e.instance_id, 1) <= 1 then 'first_reply_time'
        when e.metric = 'reply_time' then 'next_reply_time'
        else e.metric
    end as metric,
    cast(e.sla ->> 'target' as bigint) as target_minutes,
    cast(e.sla ->> 'business_hours' as boolean) as in_business_hours,
    cast(e.sla -> 'policy' ->> 'id' as bigint) as sla_policy_id,
    e.sla -> 'policy' ->> 'title' as sla_policy_title,
    e.received_at
from {{ require_tap_table('ticket_metric_events', 'ticket_metric_events') }} as e
where e.type = 'apply_sla'
    and e.sla is not null
    and not coalesce(e.deleted, false)
