-- One row per organization, as Fivetran's `organization`; custom fields pass through.
{%- set organizations = require_tap_table('organizations', 'organizations') %}
select
    {{ fivetran_synced('o.') }},
    o.created_at,
    o.details,
    o.external_id,
    o.group_id,
    o.id,
    o.name,
    o.notes,
    o.shared_comments,
    o.shared_tickets,
    o.updated_at,
    o.url
    {{ custom_field_columns(organizations, 'o.') }}
from {{ organizations }} as o
