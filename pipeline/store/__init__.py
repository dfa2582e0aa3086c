"""The store: SQLAlchemy models, schema migrations and data access.

SQLite (one office) and PostgreSQL (citywide) behave the same for users; the
few places where they differ (queue claims, full-text index) say so.
"""
