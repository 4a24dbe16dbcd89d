"""Campaign tasks and targets 督查督办: measures, lead units, deadlines, progress, KPI targets computed from data."""
