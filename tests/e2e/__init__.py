"""End-to-end tests: real `meltano run`, real target-postgres, real PostgreSQL."""
