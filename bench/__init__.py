"""Linkgraph's measurement harness: `python -m bench` (see bench/README.md).

It measures what the service costs, next to what the same work could cost (a route that only
returns bytes, the fetch-concurrency ideal, other extractors), all in one run on one machine,
so that every ratio it prints compares figures taken under the same conditions.
"""
