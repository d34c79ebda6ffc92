"""One module per route family; layout only, no SQL."""
