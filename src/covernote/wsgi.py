"""The WSGI entry point (gunicorn: ``covernote serve``). Production settings unless the
environment says otherwise: development is opt-in (``make run`` exports it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "covernote.settings.production")
application = get_wsgi_application()
