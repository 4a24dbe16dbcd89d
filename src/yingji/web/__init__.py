"""The duty-officer console (server-rendered Chinese pages, live updates, the map) and its local static assets."""
