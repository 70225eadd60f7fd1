"""Readers for direct links to files: pure functions from a fetched response's headers and
(bounded) bytes to the typed record of its kind. Nothing here fetches; previews/direct.py
decides how much of each kind to read and hands the bytes over."""
