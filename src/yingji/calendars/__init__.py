"""Published holiday schedules an administrator loads, on top of the holidays package."""
