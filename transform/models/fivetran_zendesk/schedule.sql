-- One row per business-hours interval of each schedule: start and end in minutes from Sunday
-- 00:00 local time (as Zendesk gives them) and in UTC minutes at the zone's standard offset.
with intervals as (
    select
        s.*,
        cast(interval ->> 'start_time' as bigint) as local_start,
        cast(interval ->> 'end_time' as bigint) as local_end
    from {{ require_tap_table('schedules', 'schedules') }} as s
    cross join lateral unnest(s.intervals) as interval
),

offsets as (
    select
        time_zone,
        (case when left(standard_offset, 1) = '-' then -1 else 1 end)
        * (cast(substr(standard_offset, 2, 2) as bigint) * 60
           + cast(substr(standard_offset, 5, 2) as bigint)) as offset_minutes
    from {{ ref('time_zone') }}
)

select
    {{ fivetran_deleted('i.') }},
    {{ fivetran_synced('i.') }},
    i.created_at,
    i.local_end as end_time,
    i.local_end - o.offset_minutes as end_time_utc,
    i.id,
    i.name,
    i.local_start as start_time,
    i.local_start - o.offset_minutes as start_time_utc,
    i.time_zone
from intervals as i
left join offsets as o on o.time_zone = i.time_zone
