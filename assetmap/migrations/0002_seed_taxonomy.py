from django.db import migrations


def seed_taxonomy(apps, schema_editor):
    from assetmap.taxonomy import taxonomy_seed

    taxonomy_seed(apps.get_model("assetmap", "Category"))


class Migration(migrations.Migration):
    dependencies = [("assetmap", "0001_initial")]

    operations = [migrations.RunPython(seed_taxonomy, migrations.RunPython.noop)]
