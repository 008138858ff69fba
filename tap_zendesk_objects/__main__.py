"""Allow `python -m tap_zendesk_objects`."""

from tap_zendesk_objects.launch import main

main()
