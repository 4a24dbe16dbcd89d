"""站内通知: each account's inbox of the events in its scope and role (the bell in the console header)."""
