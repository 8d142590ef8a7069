"""NiceGUI pages, thin: they read through domain queries and act through domain services."""
