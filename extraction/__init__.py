"""Reading pages: bytes to a parsed page (charset, markup, embedded data) to generic metadata."""
