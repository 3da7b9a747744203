import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.settings")
application = get_wsgi_application()

# Load the URLconf (and with it every view, serializer and the API schema tools) now rather than on
# the first request, then move everything loaded so far out of the garbage collector's reach. The
# loaded modules are a few hundred thousand objects that live as long as the process; without
# this, every full collection walks them all again: about 100 ms, landing on one request in
# several (bench/RESULTS.md, "HTTP lists": it was most of the gap between p50 and p95).
get_resolver().url_patterns  # noqa: B018  (evaluated for its side effect: importing the views)
gc.freeze()
