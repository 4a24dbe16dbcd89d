"""应急联络员: the person each member unit of a plan names for the HQ's daily contact (003#L6 2.2.3)."""
