app_name = "rakornis"

urlpatterns: list = []
