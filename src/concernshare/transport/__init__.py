"""Delivery between agencies over real transports: each binding carries sealed messages and nothing else."""
