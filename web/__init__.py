"""HTTP-level guards and endpoints around the graph: body limit, API keys, per-client budgets."""
