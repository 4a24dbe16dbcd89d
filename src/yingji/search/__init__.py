"""Global search: one box in the console header over the records a person looks up by name."""
