"""The command line: entry point, input-file checks, one-line errors, the plugin definition.

Imports nothing at import time: `launch` turns the garbage collector off before the SDK loads.
"""
