-- Which schedule a trigger applied to each ticket. Nothing Zendesk exports says so: the table
-- stays empty, and dbt_zendesk then gives every ticket the default (earliest) schedule.
select
    cast(null as timestamp) as _fivetran_synced,
    cast(null as timestamp) as created_at,
    cast(null as bigint) as schedule_id,
    cast(null as bigint) as ticket_id
where false
