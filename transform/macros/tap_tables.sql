{#- Helpers shared by the models: where the tap's tables are, and the columns every relation
    derives the same way. -#}

{% macro tap_table(name) -%}
  {#- The tap's table `name`, or none when it was never loaded (its stream not selected).
      At parse time nothing is looked up. -#}
  {%- if not execute -%}{{ return(none) }}{%- endif -%}
  {{ return(adapter.get_relation(database=target.database,
                                 schema=var('tap_zendesk_objects_schema'),
                                 identifier=name)) }}
{%- endmacro %}

{% macro require_tap_table(name, stream) -%}
  {#- The tap's table `name`; a clear error naming the stream to select when it is missing. -#}
  {%- set relation = tap_table(name) -%}
  {%- if execute and relation is none -%}
    {{ exceptions.raise_compiler_error(
        "table " ~ var('tap_zendesk_objects_schema') ~ "." ~ name ~ " is missing: select the '"
        ~ stream ~ "' stream of tap-zendesk-objects (meltano.yml, environment dbt_zendesk)") }}
  {%- endif -%}
  {{ return(relation if execute else source('tap_zendesk_objects', name)) }}
{%- endmacro %}

{% macro fivetran_synced(alias='') -%}
  {#- Fivetran's load time: the time the tap received the record. -#}
  cast({{ alias }}received_at as timestamp) as _fivetran_synced
{%- endmacro %}

{% macro fivetran_deleted(alias='') -%}
  {#- Fivetran's soft-delete flag: the tap (or the target) flagged the row deleted. -#}
  ({{ alias }}_sdc_deleted_at is not null) as _fivetran_deleted
{%- endmacro %}

{% macro custom_field_columns(relation, alias='') -%}
  {#- The tap's typed custom field columns (custom_<name>), passed through as they are:
      list them in dbt_zendesk's zendesk__<table>_passthrough_columns to keep them. -#}
  {%- if execute and relation is not none -%}
    {%- for column in adapter.get_columns_in_relation(relation)
        if column.name.startswith('custom_') -%}
    , {{ alias }}{{ adapter.quote(column.name) }}
    {%- endfor -%}
  {%- endif -%}
{%- endmacro %}
