"""Allow `python -m tap_zendesk_objects`."""

from tap_zendesk_objects.cli.launch import main

main()
