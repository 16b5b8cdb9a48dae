"""Use cases: each takes a Storage, returns domain objects and raises domain errors."""
