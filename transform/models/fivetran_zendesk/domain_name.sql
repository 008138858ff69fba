-- One row per domain of each organization, `index` its position (from 0), as Fivetran's
-- `domain_name`.
select
    {{ fivetran_synced('o.') }},
    domain.domain_name,
    cast(domain.position - 1 as bigint) as index,
    o.id as organization_id
from {{ require_tap_table('organizations', 'organizations') }} as o
cross join lateral unnest(o.domain_names) with ordinality as domain (domain_name, position)
