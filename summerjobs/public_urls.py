"""The application e-service for young people: no staff account (docs/summerjobs.md)."""

app_name = "apply"
urlpatterns: list = []
