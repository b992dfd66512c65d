"""Forms of the radio screens, one module per area."""
