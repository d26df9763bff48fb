"""Response bodies the tests expect, written out once."""

FORBIDDEN = {
    "errors": [
        {
            "message": "You don't have permission to access this.",
            "extensions": {"code": "FORBIDDEN"},
        }
    ]
}
