-- One row per tag of each ticket (the ticket's `tags` array), as Fivetran's `ticket_tag`.
select
    {{ fivetran_synced('t.') }},
    t.id as ticket_id,
    tag.tag
from {{ require_tap_table('tickets', 'tickets') }} as t
cross join lateral unnest(t.tags) as tag (tag)
