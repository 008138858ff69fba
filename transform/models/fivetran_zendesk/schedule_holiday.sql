-- One row per holiday of each schedule; dates as 'YYYY-MM-DD' text, as Fivetran writes them.
select
    {{ fivetran_deleted('h.') }},
    {{ fivetran_synced('h.') }},
    to_char(h.end_date, 'YYYY-MM-DD') as end_date,
    h.id,
    h.name,
    h.schedule_id,
    to_char(h.start_date, 'YYYY-MM-DD') as start_date
from {{ require_tap_table('schedule_holidays', 'schedule_holidays') }} as h
