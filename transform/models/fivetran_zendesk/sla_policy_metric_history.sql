-- One row per target of each SLA policy (its current version: Zendesk keeps no history),
-- valid from the policy's last update.
select
    {{ fivetran_synced('p.') }},
    cast(metric.target ->> 'business_hours' as boolean) as business_hours,
    cast(metric.position - 1 as bigint) as index,
    metric.target ->> 'metric' as metric,
    metric.target ->> 'priority' as priority,
    p.id as sla_policy_id,
    coalesce(p.updated_at, p.created_at) as sla_policy_updated_at,
    cast(metric.target ->> 'target' as bigint) as target
from {{ require_tap_table('sla_policies', 'sla_policies') }} as p
cross join lateral unnest(p.policy_metrics) with ordinality as metric (target, position)
