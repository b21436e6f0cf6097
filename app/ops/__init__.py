"""Operations: backups of the database, their restore and their check (docs/backups.md)."""
