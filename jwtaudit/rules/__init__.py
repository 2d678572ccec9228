"""Rule families, one module each; `registry` holds them."""
