# One customer's contract list reads the scope's company from its index (deep pages).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0006_installment_reversal_dates'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='contract',
            name='contract_customer_list_idx',
        ),
        migrations.AddIndex(
            model_name='contract',
            index=models.Index(fields=['customer', 'signed_on', 'id', 'company'], name='contract_customer_list_idx'),
        ),
    ]
