"""The reference device agent (``nguon-agent``): speaks the Nguồn device protocol for a speaker cluster on a
Raspberry-Pi-class Linux box. No Django: it uses only ``nguon.devices.protocol``, paho-mqtt and the
standard library. See docs/devices.md."""

__version__ = "0.1.0"
FIRMWARE = f"nguon-agent {__version__}"
