"""Schema migrations of Orderly's models (Tortoise's built-in migrations), applied in order at start-up.

Generated, then committed: after changing domain/models.py run `tortoise makemigrations` in the repository's root
(pyproject's [tool.tortoise] points at integrations.database.TORTOISE_ORM) and commit the new file.
"""
