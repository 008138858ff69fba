-- One row per tag of each user (the user's `tags` array), as Fivetran's `user_tag`.
select
    {{ fivetran_synced('u.') }},
    u.id as user_id,
    tag.tag
from {{ require_tap_table('users', 'users') }} as u
cross join lateral unnest(u.tags) as tag (tag)
