"""Screens of the content app, one module per area (each with its ``urlpatterns``)."""
