"""Root fields and the per-request machinery (context, DataLoader) behind them."""
