import Testing
@testable import EnsembleMonitor
