import Testing
import ZooKeeperAdmin

/// The JAAS file Apache's SASL set-ups use, and what a broken one says.
struct JAASConfigTests {
    @Test func theServerSectionsDigestUsersAreRead() throws {
        let text = """
            /* ZooKeeper's JAAS file */
            Server {
                   org.apache.zookeeper.server.auth.DigestLoginModule required
                   user_super="adminsecret"   // the super user
                   user_alice="alice-secret"
                   user_bob="with \\"quotes\\" and ; inside";
            };
            Client {
                   org.apache.zookeeper.server.auth.DigestLoginModule required
                   username="alice"
                   password="alice-secret";
            };
            """
        let jaas = try JAASConfig.parse(text, fileName: "jaas.conf")
        #expect(jaas.digestUsers() == ["super": "adminsecret", "alice": "alice-secret", "bob": #"with "quotes" and ; inside"#])
        #expect(jaas.sections["Client"]?.first?.options["username"] == "alice")
        #expect(jaas.sections["Server"]?.first?.flag == "required")
        #expect(jaas.digestUsers(section: "Missing") == nil)
    }

    @Test func mistakesNameTheLine() {
        let cases: [(String, String)] = [
            ("Server {\n  M required\n  user_a=\"x\";\n};\nServer {\n};", "jaas.conf line 5: section Server appears twice"),
            ("Server {\n  M mandatory;\n};", "jaas.conf line 2: M: control flag must be required, requisite, sufficient or optional, not 'mandatory'"),
            ("Server {\n  M required\n  user_a \"x\";\n};", "jaas.conf line 3: expected '=' after user_a"),
            ("Server {\n  M required\n  user_a=\"x;\n};", "jaas.conf line 3: unclosed quote"),
            ("Server {\n  M required user_a=\"x\";\n}", "jaas.conf line 3: unexpected end of file: expected ';' after '}'"),
            ("/* open", "jaas.conf line 1: unclosed comment"),
        ]
        for (text, message) in cases {
            #expect(throws: JAASConfigError.self) { try JAASConfig.parse(text, fileName: "jaas.conf") }
            do {
                _ = try JAASConfig.parse(text, fileName: "jaas.conf")
            } catch {
                #expect(error.description == message)
            }
        }
    }
}
