"""Talking to Zendesk: transport, responses, retries, pacing and pagination of requests."""
