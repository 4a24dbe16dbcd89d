"""The monitoring cluster (issue 24 item 3): edges publish to a partitioned JetStream stream, workers own partitions
through leases with epochs in PostgreSQL. The single-process engine (monitoring.engine) stays the embedded default."""
