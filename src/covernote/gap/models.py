"""Models of the gap app."""
