"""Pictures and reports built on the Python API."""
