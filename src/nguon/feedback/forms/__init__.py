"""Forms of the feedback screens, one module per screen area (``public``: the citizens' pages)."""
