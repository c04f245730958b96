"""Editors curate the glossary; authors may look at it.

0003 made the roles before the glossary existed, so only superusers could curate it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GLOSSARY = ["glossaryentry", "glossaryalias", "glossaryuse", "glossaryvariant"]
ROLES = {
    "Editors": [f"{action}_{model}" for model in GLOSSARY for action in ("add", "change", "delete", "view")],
    "Authors": ["view_glossaryentry"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="editorial", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="editorial", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("editorial", "0006_search")]

    operations = [migrations.RunPython(grant, revoke)]
