"""Webhooks: calls the broker makes to URLs its users register, and the guard around them."""
