"""HTTP-level guards and endpoints around the graph (body limits; later keys, rate limits,
health and metrics)."""
