-- One row per brand, as Fivetran's `brand` (its logo's attributes in logo_* columns).
select
    (b._sdc_deleted_at is not null or coalesce(b.is_deleted, false)) as _fivetran_deleted,
    {{ fivetran_synced('b.') }},
    b.active,
    b.brand_url,
    b.has_help_center,
    b.help_center_state,
    b.id,
    b.logo ->> 'content_type' as logo_content_type,
    b.logo ->> 'content_url' as logo_content_url,
    cast(b.logo ->> 'deleted' as boolean) as logo_deleted,
    b.logo ->> 'file_name' as logo_file_name,
    cast(b.logo ->> 'height' as bigint) as logo_height,
    cast(b.logo ->> 'id' as bigint) as logo_id,
    cast(b.logo ->> 'inline' as boolean) as logo_inline,
    b.logo ->> 'mapped_content_url' as logo_mapped_content_url,
    cast(b.logo ->> 'size' as bigint) as logo_size,
    b.logo ->> 'url' as logo_url,
    cast(b.logo ->> 'width' as bigint) as logo_width,
    b.name,
    b.subdomain,
    b.url
from {{ require_tap_table('brands', 'brands') }} as b
