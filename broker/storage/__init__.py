"""Storage adapters behind one protocol: PostgreSQL (asyncpg) and embedded SQLite."""
