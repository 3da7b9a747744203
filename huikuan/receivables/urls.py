"""The receivables pages' addresses: each views module lists its own (names are global, see
huikuan/web/DESIGN.md)."""

from huikuan.receivables.views import receipts, worklist

urlpatterns = [*receipts.urlpatterns, *worklist.urlpatterns]
