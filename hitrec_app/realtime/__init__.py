"""Real-time rooms: shared states linked to a room token, pushed from anywhere."""
