"""Plain Python domain: no web framework, database driver, clock or I/O."""
