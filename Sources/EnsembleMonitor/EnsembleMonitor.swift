// Ensemble monitor: pollers, parsers, cluster model; see docs/monitoring.md.
