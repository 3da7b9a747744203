from django.urls import include, path

from huikuan.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/chart/", views.home_chart, name="home_chart"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("language/", views.set_language, name="language"),
    path("search/", views.search, name="search"),
    path("", include("huikuan.customers.urls")),
    path("", include("huikuan.contracts.urls")),
    path("", include("huikuan.receivables.urls")),
    path("", include("huikuan.reports.urls")),
    path("", include("huikuan.terms.urls")),
    path("", include("huikuan.dunning.urls")),
    path("", include("huikuan.bank.urls")),
]
