"""The typed objects a preview carries, one module per platform plus the shapes they share.

Imports point one way: `schema.previews` uses these modules; these use `shared`, and `shared`
uses only the scalars, enums and images every part of the schema knows.
"""
