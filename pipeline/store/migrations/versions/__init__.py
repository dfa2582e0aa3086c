"""One file per schema revision; each is frozen: it carries what it needs and imports nothing of the application."""
