"""Editors keep the vocabulary of areas and categories; authors may look at it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editors": [f"{action}_vocabularyterm" for action in ("add", "change", "delete", "view")],
    "Authors": ["view_vocabularyterm"],
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
    dependencies = [("editorial", "0024_vocabulary")]

    operations = [migrations.RunPython(grant, revoke)]
