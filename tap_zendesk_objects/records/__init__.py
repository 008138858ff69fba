"""Records on their way out: projection onto the schema, conformance, the Singer writer."""
