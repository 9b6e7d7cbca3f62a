import Testing
@testable import DashboardUI
