"""tap-zendesk-objects: a Singer tap for the objects of a Zendesk Support account."""
