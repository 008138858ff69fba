"""Error bodies Zendesk sends that more than one part of the emulator answers with."""

# 403 to a role or plan that may not read an endpoint.
FORBIDDEN = {
    "error": {
        "title": "Forbidden",
        "message": "Access to this resource is restricted. Please contact the account "
        "administrator for assistance.",
    }
}
# 404 to a path no endpoint serves.
INVALID_ENDPOINT = {"error": "InvalidEndpoint", "description": "Not found"}
# 404 to an endpoint the account's plan lacks, or a record that does not exist.
RECORD_NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
