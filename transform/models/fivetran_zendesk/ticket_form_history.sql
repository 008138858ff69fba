-- One row per ticket form, its current version (Zendesk keeps no history of forms).
select
    (f._sdc_deleted_at is not null or f.deleted_at is not null) as _fivetran_deleted,
    {{ fivetran_synced('f.') }},
    f.active,
    f.created_at,
    f.display_name,
    f.end_user_visible,
    f.id,
    f.name,
    f.updated_at
from {{ require_tap_table('ticket_forms', 'ticket_forms') }} as f
