"""The GraphQL types clients see: previews, their typed objects, images, errors, limits.

The root schema is assembled above this package and `resolvers` (in `graph.py`), because the
root fields resolve into these types: this package imports nothing of `resolvers`, so either
can be imported alone.
"""
