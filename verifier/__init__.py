"""Accord's verifier: replays consumer pacts against a running provider (issue 6)."""
