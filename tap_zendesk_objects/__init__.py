"""tap-zendesk-objects: a Singer tap for the objects of a Zendesk Support account."""

# The one place the version is written: the package metadata (pyproject.toml's
# `[tool.hatch.version]`) and `tap-zendesk-objects --about` both read it from here.
__version__ = "0.1.0"
# The source repository; pyproject.toml's `[project.urls]` name the same one (a test checks).
REPOSITORY = "https://github.com/tap-zendesk-objects/tap-zendesk-objects"
