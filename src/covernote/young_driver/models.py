"""Models of the Young Driver app."""
