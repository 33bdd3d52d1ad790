"""package_urls"""

urlpatterns: list = []
