# One customer's receipt list in its order to the id (deep pages read the index alone).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('receivables', '0002_receipt_list_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='receipt',
            name='receipt_customer_idx',
        ),
        migrations.AddIndex(
            model_name='receipt',
            index=models.Index(fields=['company', 'customer', 'received_on', 'id'], name='receipt_customer_idx'),
        ),
    ]
