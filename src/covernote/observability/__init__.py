"""Running covernote as a service: request context, JSON logs, metrics, health (ADR 0012)."""
