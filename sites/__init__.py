"""Site rules: one module per platform, each a small pure function from a page to a record."""
