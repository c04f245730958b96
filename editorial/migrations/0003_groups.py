"""The two roles of the editorial workflow, as groups with their permissions.

Authors write and edit their own drafts and submit them for review.
Editors review, request changes, publish, mark evergreen, archive and edit anything.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Authors": [
        "editorial.add_post", "editorial.change_post", "editorial.view_post", "editorial.submit_post",
        "editorial.view_entity", "editorial.add_entity",
        "editorial.view_postentity", "editorial.add_postentity", "editorial.change_postentity",
        "editorial.delete_postentity",
        "taggit.view_tag", "taggit.add_tag",
    ],
    "Editors": [
        "editorial.add_post", "editorial.change_post", "editorial.delete_post", "editorial.view_post",
        "editorial.submit_post", "editorial.review_post", "editorial.publish_post",
        "editorial.add_entity", "editorial.change_entity", "editorial.delete_entity", "editorial.view_entity",
        "editorial.add_postentity", "editorial.change_postentity", "editorial.delete_postentity",
        "editorial.view_postentity",
        "editorial.view_statuschange",
        "editorial.add_previewlink", "editorial.change_previewlink", "editorial.view_previewlink",
        "taggit.add_tag", "taggit.change_tag", "taggit.delete_tag", "taggit.view_tag",
    ],
}  # fmt: skip


def make_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_workflow"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
