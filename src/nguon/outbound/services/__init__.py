"""Writes of the outbound app: destinations (:mod:`.destinations`) and the delivery queue (:mod:`.queue`)."""
