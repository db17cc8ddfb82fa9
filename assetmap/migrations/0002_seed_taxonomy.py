from django.db import migrations
from django.utils.text import slugify


def seed_taxonomy(apps, schema_editor):
    from assetmap.taxonomy import TAXONOMY

    Category = apps.get_model("assetmap", "Category")
    for top_position, (top_name, children) in enumerate(TAXONOMY.items()):
        top, _ = Category.objects.get_or_create(
            slug=slugify(top_name), defaults={"name": top_name, "position": top_position}
        )
        for position, name in enumerate(children):
            Category.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "parent": top, "position": position}
            )


class Migration(migrations.Migration):
    dependencies = [("assetmap", "0001_initial")]

    operations = [migrations.RunPython(seed_taxonomy, migrations.RunPython.noop)]
