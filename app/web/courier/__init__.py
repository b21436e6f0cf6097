"""The courier's phone app (UI.md §1): an installable PWA of a few ES modules that talk to the
JSON API with a bearer token and keep the day's work and a queue in IndexedDB."""
