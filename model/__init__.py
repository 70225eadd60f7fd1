"""The model at the bottom of the tree: what a preview is (records, link kinds, error codes).

Every other package may import it and it imports nothing of ours, so fetching, extraction,
site rules, files and media can build records without reaching up into the service.
"""
