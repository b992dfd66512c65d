"""Models of the radio app, one module per concern."""

from nguon.radio.models.compilation import CompilationReport
from nguon.radio.models.emergencies import CapMessage, EmergencyOrder
from nguon.radio.models.live import LiveSession
from nguon.radio.models.programmes import Occurrence, Programme, RunningOrderItem
from nguon.radio.models.settings import BroadcastSettings

__all__ = [
    "BroadcastSettings",
    "CapMessage",
    "CompilationReport",
    "EmergencyOrder",
    "LiveSession",
    "Occurrence",
    "Programme",
    "RunningOrderItem",
]
