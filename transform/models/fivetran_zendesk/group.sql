-- One row per group, as Fivetran's `group` (deleted groups flagged, as the package expects).
select
    (g._sdc_deleted_at is not null or coalesce(g.deleted, false)) as _fivetran_deleted,
    {{ fivetran_synced('g.') }},
    g.created_at,
    g.id,
    g.name,
    g.updated_at,
    g.url
from {{ require_tap_table('groups', 'groups') }} as g
