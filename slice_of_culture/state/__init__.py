"""Reflex state classes: thin, hold view data, call services."""
