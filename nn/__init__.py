"""Neural-network building blocks on tracegrad's engines."""
