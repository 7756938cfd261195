"""The index schema's revisions, without the database library (stdlib sqlite3 checks them too).

The newest migration, and every one this version knows. A database stamped with anything else
was written by a newer roleplay and is refused (tests check these against the scripts).
"""

SCHEMA_HEAD = "0004"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")

# The ids of a recordings folder's sessions and reviews (one `?`: the folder's origin): what
# the index holds of that folder, asked by both stdlib readers of a local index.
KNOWN_IDS = " UNION ".join(
    f"SELECT {key} FROM {table} WHERE origin = ?"
    for table, key in (
        ("sessions", "id"),
        ("comments", "session_id"),
        ("overrides", "session_id"),
        ("review_marks", "session_id"),
    )
)
