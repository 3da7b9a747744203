"""Filter types shared by every app's FilterSets (API and pages)."""

import django_filters
from django import forms

# Database ids are signed 64-bit: a bigger number would overflow in the database driver (a 500)
# instead of simply matching nothing.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A filter on a record id: a whole number within the database's range, else a 400."""

    field_class = IdField
