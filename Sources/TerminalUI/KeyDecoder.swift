import DashboardUI

/// One raw read from curses: a character (from `get_wch` returning OK) or a
/// function-key code (`KEY_CODE_YES`).
public enum RawInput: Equatable, Sendable {
    case character(UInt32)
    case code(Int32)
}

/// What a raw read means to the dashboard.
public enum DecodedInput: Equatable, Sendable {
    case key(Key)
    /// KEY_MOUSE: the shell reads the event with `getmouse` and decodes it with `KeyDecoder.mouse`.
    case mousePending
    /// KEY_RESIZE: the shell asks curses for the new size.
    case resize
    case ignored
}

/// curses key codes (ncurses' values; `CursesCodesTests` checks them against the library).
public enum CursesKey {
    public static let down: Int32 = 0o402
    public static let up: Int32 = 0o403
    public static let left: Int32 = 0o404
    public static let right: Int32 = 0o405
    public static let home: Int32 = 0o406
    public static let backspace: Int32 = 0o407
    public static let f0: Int32 = 0o410
    public static let delete: Int32 = 0o512
    public static let pageDown: Int32 = 0o522
    public static let pageUp: Int32 = 0o523
    public static let enter: Int32 = 0o527
    public static let backTab: Int32 = 0o541
    public static let end: Int32 = 0o550
    public static let mouse: Int32 = 0o631
    public static let resize: Int32 = 0o632
}

/// ncurses mouse masks (NCURSES_MOUSE_VERSION 2: five bits per button).
public enum CursesMouse {
    public static let button1Released: UInt64 = 0o1
    public static let button1Pressed: UInt64 = 0o2
    public static let button1Clicked: UInt64 = 0o4
    public static let button4Pressed: UInt64 = 0o2 << 15
    public static let button5Pressed: UInt64 = 0o2 << 20
}

/// Turns curses input into `Key`s and mouse events. Pure.
public enum KeyDecoder {
    public static func decode(_ raw: RawInput) -> DecodedInput {
        switch raw {
        case .code(let code): decode(code: code)
        case .character(let value): decode(character: value)
        }
    }

    static func decode(code: Int32) -> DecodedInput {
        switch code {
        case CursesKey.up: return .key(.up)
        case CursesKey.down: return .key(.down)
        case CursesKey.left: return .key(.left)
        case CursesKey.right: return .key(.right)
        case CursesKey.home: return .key(.home)
        case CursesKey.end: return .key(.end)
        case CursesKey.pageUp: return .key(.pageUp)
        case CursesKey.pageDown: return .key(.pageDown)
        case CursesKey.enter: return .key(.enter)
        case CursesKey.backTab: return .key(.backTab)
        case CursesKey.backspace: return .key(.backspace)
        case CursesKey.delete: return .key(.delete)
        case CursesKey.mouse: return .mousePending
        case CursesKey.resize: return .resize
        case (CursesKey.f0 + 1)...(CursesKey.f0 + 63): return .key(.function(Int(code - CursesKey.f0)))
        default: return .ignored
        }
    }

    static func decode(character value: UInt32) -> DecodedInput {
        switch value {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 0: return .ignored
        case 1...26:
            // Ctrl-A … Ctrl-Z (Ctrl-C arrives here: the terminal runs raw).
            return .key(.control(Character(Unicode.Scalar(UInt8(value) + 0x60))))
        case 28...31: return .ignored
        default:
            guard let scalar = Unicode.Scalar(value), !(0x80..<0xA0).contains(value) else { return .ignored }
            return .key(.character(Character(scalar)))
        }
    }

    /// A `getmouse` event: left press/click, wheel up/down; anything else is nil.
    public static func mouse(x: Int, y: Int, buttonState: UInt64) -> MouseEvent? {
        if buttonState & CursesMouse.button4Pressed != 0 { return MouseEvent(kind: .wheelUp, x: x, y: y) }
        if buttonState & CursesMouse.button5Pressed != 0 { return MouseEvent(kind: .wheelDown, x: x, y: y) }
        if buttonState & (CursesMouse.button1Pressed | CursesMouse.button1Clicked) != 0 {
            return MouseEvent(kind: .click, x: x, y: y)
        }
        return nil
    }
}
