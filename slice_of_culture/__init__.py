"""Slice of Culture: share what you watch, read and listen to; find people with your taste."""
