-- Each SLA policy applied to a ticket, when (from the apply_sla ticket metric events).
select distinct on (a.ticket_id, a.sla_policy_id, a.applied_at)
    cast(a.received_at as timestamp) as _fivetran_synced,
    a.applied_at as policy_applied_at,
    a.sla_policy_id,
    a.ticket_id
from {{ ref('tap_sla_applications') }} as a
where a.sla_policy_id is not null
order by a.ticket_id, a.sla_policy_id, a.applied_at, a.received_at desc
