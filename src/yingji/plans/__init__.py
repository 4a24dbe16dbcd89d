"""Real emergency plans as validated data files (one per plan) and the schema they follow."""
