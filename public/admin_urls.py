"""admin_urls"""

urlpatterns: list = []
