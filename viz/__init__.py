"""Pictures of tracegrad graphs: diagrams, backward step-through, training plots."""
