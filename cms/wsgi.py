import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
django_application = get_wsgi_application()

from editorial.page_front import PageFront  # noqa: E402 - needs the settings loaded above

# Readers' plainest requests are answered with Django's last answer to them (see the module).
application = PageFront(django_application)
