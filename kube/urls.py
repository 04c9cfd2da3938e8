app_name = "kube"

urlpatterns: list = []
