# Indexes every write kept that a composite index (or no query) already covers (bench/WRITE_PATH.md).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('contracts', '0007_customer_list_index_company'),
        ('customers', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='contract',
            name='company',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='accounts.company', verbose_name='company'),
        ),
        migrations.AlterField(
            model_name='contract',
            name='customer',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='contracts', to='customers.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='company',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='accounts.company', verbose_name='company'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='contract',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='installments', to='contracts.contract', verbose_name='contract'),
        ),
        migrations.AlterField(
            model_name='installment',
            name='customer',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='installments', to='customers.customer', verbose_name='customer'),
        ),
    ]
