"""The staff's summer-job pages: seasons, their applications and the lottery."""

app_name = "summerjobs"
urlpatterns: list = []
