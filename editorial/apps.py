from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Editorial")

    def ready(self):
        import reversion
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save
        from taggit.models import Tag

        from . import caching, checks  # noqa: F401 (checks: registers the deployment checks)
        from .interface_labels import name_apps
        from .models import Post, PostEntity, TaggedPost
        from .models.packed import register_functions
        from .slugs import give_tag_a_slug

        pre_save.connect(give_tag_a_slug, sender=Tag, dispatch_uid="editorial-tag-slug")
        connection_created.connect(register_functions, dispatch_uid="editorial-sql-functions")
        # A request reads the content generation once (editorial/caching.py).
        request_started.connect(caching.request_started, dispatch_uid="editorial-generation-start")
        request_finished.connect(caching.request_finished, dispatch_uid="editorial-generation-end")
        name_apps()
        # No other signals: what a change does is editorial/content.py, called by every writer.

        # Every save through the admin, an import or a transition keeps a revision of the
        # post in both languages, with its tags and mentions. Registered here, after
        # modeltranslation has added the _zh_hans/_en columns, so revisions include them.
        # The admin's VersionAdmin may have registered them already (inlines only): replace that.
        for model in (Post, PostEntity, TaggedPost):
            if reversion.is_registered(model):
                reversion.unregister(model)
        reversion.register(TaggedPost)
        reversion.register(PostEntity)
        reversion.register(
            Post,
            format="zjson",  # editorial/serializers/zjson.py: bodies compressed
            follow=["tagged_items", "entity_links"],
            # Derived HTML, modeltranslation's base columns (copies of the default language), and
            # the imported file (the item's record of its import, not of its edits).
            exclude=[
                "body_html",
                "body_html_zh_hans",
                "body_html_en",
                "title",
                "summary",
                "insight",
                "body",
                "source_file",
            ],  # fmt: skip
        )
