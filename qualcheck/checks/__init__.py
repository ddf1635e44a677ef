"""Rule families (one module each) and the explicit registry that lists them."""
