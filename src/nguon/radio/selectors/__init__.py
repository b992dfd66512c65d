"""Read paths of the radio app."""
