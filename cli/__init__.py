"""`linkgraph`: previews from the terminal, the server, and the schema file."""
