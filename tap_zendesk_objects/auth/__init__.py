"""Credentials: the four ways to authenticate, OAuth tokens, and secrets kept out of output."""
