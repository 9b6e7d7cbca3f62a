#if canImport(Glibc)
import Glibc
#endif

/// Returns freed heap pages to the kernel (glibc keeps them in its arenas
/// otherwise, and they count in the resident size). glibc's `malloc_trim` is
/// not in Swift's Glibc module, so it is looked up once; elsewhere a no-op.
enum MemoryTrim {
    private typealias MallocTrim = @convention(c) (Int) -> Int32

    private static let mallocTrim: MallocTrim? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: MallocTrim.self)
        #else
        return nil
        #endif
    }()

    static func releaseFreedHeap() {
        _ = mallocTrim?(0)
    }
}
