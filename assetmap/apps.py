from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AssetmapConfig(AppConfig):
    name = "assetmap"
    verbose_name = "Community assets"

    def ready(self):
        from assetmap.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="sync_role_groups")
