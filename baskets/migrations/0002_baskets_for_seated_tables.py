import itertools

from django.db import migrations


def create_baskets(apps, schema_editor):
    """Workshops seated before baskets existed get theirs (services.ensure_baskets)."""
    SubGroup = apps.get_model("workshops", "SubGroup")
    Basket = apps.get_model("baskets", "Basket")
    by_table = {}
    for subgroup in SubGroup.objects.order_by("table_id", "territory__name", "pk"):
        by_table.setdefault(subgroup.table_id, []).append(subgroup)
    Basket.objects.bulk_create(
        (
            Basket(table_id=table_id, side_a=a, side_b=b)
            for table_id, seated in by_table.items()
            for a, b in itertools.combinations(seated, 2)
        ),
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("baskets", "0001_initial")]

    operations = [migrations.RunPython(create_baskets, migrations.RunPython.noop)]
