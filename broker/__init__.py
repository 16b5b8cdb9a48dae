"""Accord's broker: stores pacticipants, versions and contracts, and answers can-i-deploy."""
