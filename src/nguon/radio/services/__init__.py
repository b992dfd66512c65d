"""Write paths of the radio app (one module per concern)."""
