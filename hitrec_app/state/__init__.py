"""Reflex states: thin; they call services and hold what the pages show."""
