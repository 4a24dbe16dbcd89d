"""The real world in the database: divisions, organisations, mines, tailings ponds, hazard sources, resources."""
