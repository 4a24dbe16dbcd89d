"""Delivery channels for outbox items: webhook, SMS gateway, e-mail, file drop; an unconfigured channel is a state."""
