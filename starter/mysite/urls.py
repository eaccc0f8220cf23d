from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # accounts/urls.py: /accounts/login/, /accounts/logout/, /accounts/profile/
    path("accounts/", include("accounts.urls")),
]
