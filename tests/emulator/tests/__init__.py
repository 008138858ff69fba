"""The emulator's own tests: that it answers as Zendesk does (the tap's tests are in tests/)."""
