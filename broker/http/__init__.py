"""The HAL+JSON API: thin handlers over the services."""
