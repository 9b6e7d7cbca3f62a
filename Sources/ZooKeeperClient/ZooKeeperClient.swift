// The ZooKeeper client library; see docs/client.md.
