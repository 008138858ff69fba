-- One row per tag of each organization, as Fivetran's `organization_tag`.
select
    {{ fivetran_synced('o.') }},
    o.id as organization_id,
    tag.tag
from {{ require_tap_table('organizations', 'organizations') }} as o
cross join lateral unnest(o.tags) as tag (tag)
