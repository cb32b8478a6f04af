import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from lde.core.startup import load_and_freeze  # noqa: E402 - needs the apps loaded above

load_and_freeze()
