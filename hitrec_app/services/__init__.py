"""Domain logic. No reflex here: plain functions taking a keyword-only `session`."""
