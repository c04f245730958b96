"""Interface text of the libraries our admin shows that ships without Chinese (django-axes has
no zh-Hans catalog; Django 6.1's newest strings are not in its own yet). Listed here so
``makemessages`` keeps them in our catalog, which the admin reads first (LOCALE_PATHS).
tests/test_admin_in_chinese.py walks every admin page and fails on any left in English."""

from django.utils.translation import gettext_lazy, gettext_noop

AXES = [
    gettext_noop("Access Attempt"), gettext_noop("Access lock out"), gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"), gettext_noop("Clean up expired attempts"), gettext_noop("Expires At"),
    gettext_noop("Failed Logins"), gettext_noop("Form Data"), gettext_noop("GET Data"), gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"), gettext_noop("Locked Out"), gettext_noop("Logout Time"), gettext_noop("Meta Data"),
    gettext_noop("Not set"), gettext_noop("POST Data"), gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."), gettext_noop("User Agent"),
    gettext_noop("Username"), gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"), gettext_noop("access attempts"), gettext_noop("access failure"),
    gettext_noop("access failures"), gettext_noop("access log"), gettext_noop("access logs"),
]  # fmt: skip
DJANGO = [gettext_noop("Filter by %(field_name)s")]

# App names the admin's sidebar and index show (an app without its own verbose name shows its label).
APP_NAMES = {"axes": gettext_lazy("Login security")}


def name_apps():
    from django.apps import apps

    for label, name in APP_NAMES.items():
        if apps.is_installed(label):
            apps.get_app_config(label).verbose_name = name
