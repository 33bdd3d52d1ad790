"""The public site's pages (/public/: public.site_urls), the releases' files (/public/releases/<number>/:
public.package_urls) and the administrators' release pages (/releases/: public.admin_urls). The public
API (/api/public/v1/) is public.api.urls, included by the shell."""

from django.urls import include, path

urlpatterns = [
    path("public/releases/", include("public.package_urls")),
    path("public/", include("public.site_urls")),
    path("releases/", include("public.admin_urls")),
]
