"""Radio screens, one module per area; each contributes its ``urlpatterns``."""
