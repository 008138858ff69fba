"""What one run shares: the run context streams use, progress figures, idle-time reads."""
