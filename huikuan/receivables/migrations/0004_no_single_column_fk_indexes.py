# Indexes every write kept that a composite index (or no query) already covers (bench/WRITE_PATH.md).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('contracts', '0008_no_single_column_fk_indexes'),
        ('receivables', '0003_receipt_customer_index_id'),
    ]

    operations = [
        migrations.AlterField(
            model_name='allocation',
            name='installment',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to='contracts.installment', verbose_name='installment'),
        ),
        migrations.AlterField(
            model_name='allocation',
            name='receipt',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to='receivables.receipt', verbose_name='receipt'),
        ),
        migrations.AlterField(
            model_name='receipt',
            name='company',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='accounts.company', verbose_name='company'),
        ),
    ]
