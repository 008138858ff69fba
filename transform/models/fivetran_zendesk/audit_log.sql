-- Account audit log entries (an Enterprise plan's opt-in audit_logs stream); empty when that
-- stream was never loaded (dbt_zendesk reads it only with using_audit_log).
{%- set audit_logs = tap_table('audit_logs') %}
{%- if audit_logs is not none %}
select
    {{ fivetran_synced('a.') }},
    a.id,
    a.action,
    a.actor_id,
    a.change_description,
    a.created_at,
    a.source_id,
    a.source_label,
    a.source_type
from {{ audit_logs }} as a
{%- else %}
select
    cast(null as timestamp) as _fivetran_synced,
    cast(null as bigint) as id,
    cast(null as text) as action,
    cast(null as bigint) as actor_id,
    cast(null as text) as change_description,
    cast(null as timestamp) as created_at,
    cast(null as bigint) as source_id,
    cast(null as text) as source_label,
    cast(null as text) as source_type
where false
{%- endif %}
