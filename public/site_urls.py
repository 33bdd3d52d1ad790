"""site_urls"""

urlpatterns: list = []
