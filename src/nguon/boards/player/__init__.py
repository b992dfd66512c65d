"""The e-board web player: the kiosk page, its service worker, the staff preview and screenshots."""
