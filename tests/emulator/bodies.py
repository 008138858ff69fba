"""Error bodies Zendesk sends that more than one part of the emulator answers with."""

# 403 to a role or plan that may not read an endpoint.
FORBIDDEN = {
    "error": {
        "title": "Forbidden",
        "message": "Access to this resource is restricted. Please contact the account "
        "administrator for assistance.",
    }
}
