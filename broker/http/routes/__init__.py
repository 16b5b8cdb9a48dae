"""One module of handlers per resource family."""
