"""JSON schemas of the streams, one module per resource family."""
