from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "covernote.observability"
    label = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from covernote.observability import checks  # noqa: F401  (registers the system checks)
        from covernote.observability.logging import install_record_factory

        install_record_factory()
