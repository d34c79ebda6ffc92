"""Small HTTP endpoints mounted into the Reflex backend (no reflex import)."""
