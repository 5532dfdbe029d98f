"""Delivery between agencies over real transports: each binding carries sealed messages, never plaintext."""
