import Testing
@testable import ZooKeeperClient
