-- One row per ticket comment, as Fivetran's `ticket_comment`: the comments of the ticket event
-- export, and, when conversation_log was loaded, the messages of messaging conversations (which
-- that export leaves out) and any comment the log shows that the export did not.
-- A message's id is not a number: it gets a negative one (a hash of its log id) that no
-- Zendesk comment id can equal.
{%- set comments = require_tap_table('ticket_comments', 'ticket_comments') %}
{%- set log = tap_table('conversation_log') %}
with comments as (
    select
        cast(c.received_at as timestamp) as _fivetran_synced,
        c._sdc_deleted_at is not null as _fivetran_deleted,
        c.body,
        c.created_at as created,
        c.via ->> 'channel' in ('facebook', 'facebook_post', 'facebook_message') as facebook_comment,
        c.id,
        c.public,
        c.ticket_id,
        c.via ->> 'channel' in ('twitter', 'twitter_dm', 'twitter_favorite') as tweet,
        c.author_id as user_id,
        coalesce(c.type = 'VoiceComment', false) as voice_comment
    from {{ comments }} as c
)
{%- if log is not none %},

log_rows as (
    select
        cast(l.received_at as timestamp) as _fivetran_synced,
        l._sdc_deleted_at is not null as _fivetran_deleted,
        l.text as body,
        l.created_at as created,
        false as facebook_comment,
        case
            when l.type = 'Comment' and l.reference ~ '^zen:ticket_event:[0-9]+$'
                then cast(substr(l.reference, 18) as bigint)
            else -cast(cast('x' || substr(md5(l.id), 1, 15) as bit(60)) as bigint)
        end as id,
        coalesce(l.public, l.type <> 'Comment') as public,
        l.ticket_id,
        false as tweet,
        l.author_user_id as user_id,
        false as voice_comment,
        l.type
    from {{ log }} as l
    where l.type in ('Comment', 'Messaging::ConversationMessage')
),

unioned as (
    select * from comments
    union all
    select
        _fivetran_synced, _fivetran_deleted, body, created, facebook_comment, id, public,
        ticket_id, tweet, user_id, voice_comment
    from log_rows as r
    where r.type <> 'Comment'
        or not exists (select 1 from comments as c where c.id = r.id)
)
{%- else %},

unioned as (
    select * from comments
)
{%- endif %}

select
    _fivetran_synced,
    _fivetran_deleted,
    body,
    cast(null as bigint) as call_duration,
    cast(null as bigint) as call_id,
    created,
    facebook_comment,
    id,
    cast(null as bigint) as location,
    public,
    cast(null as bigint) as recording_url,
    cast(null as timestamp) as started_at,
    ticket_id,
    cast(null as bigint) as transcription_status,
    cast(null as bigint) as transcription_text,
    cast(null as bigint) as trusted,
    tweet,
    user_id,
    voice_comment,
    cast(null as bigint) as voice_comment_transcription_visible
from unioned
