"""The append-only audit log every state-changing service writes to, in the same transaction."""
