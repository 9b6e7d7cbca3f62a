import Foundation
import Testing
@testable import TerminalUI

/// OSC 52 carries the text base64-encoded: the encoder must match RFC 4648's.
struct ClipboardTests {
    @Test func base64AsRFC4648Says() {
        for text in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "/app/locks/lock-0000000007", "ünï/日本"] {
            #expect(Terminal.base64(Array(text.utf8)) == Data(text.utf8).base64EncodedString(), "\(text)")
        }
    }
}
