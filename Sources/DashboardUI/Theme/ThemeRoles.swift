extension StyleRole {
    /// The nine node-state roles (LEADING … UNKNOWN). Every theme, and every theme
    /// degraded to any `ColorCapability`, keeps them pairwise distinct.
    public static let nodeStates: [StyleRole] = [
        .leading, .following, .observing, .looking, .standalone, .down, .notServing, .refused, .unknown,
    ]
}
