"""Screens of the device fleet: list, detail with remote commands, map (``fleet``, ``commands``, ``map``)."""
