"""The index schema's revisions, without the database library (stdlib sqlite3 checks them too).

The newest migration, and every one this version knows. A database stamped with anything else
was written by a newer roleplay and is refused (tests check these against the scripts).
"""

SCHEMA_HEAD = "0004"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")
