"""Settings: the JSON schema of the config, its defaults, and the checks of a config."""
