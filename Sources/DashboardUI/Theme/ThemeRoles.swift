extension StyleRole {
    /// The nine node-state roles (LEADING … UNKNOWN). Every theme, and every theme
    /// degraded to any `ColorCapability`, keeps them pairwise distinct.
    public static let nodeStates: [StyleRole] = [
        .leading, .following, .observing, .looking, .standalone, .down, .notServing, .refused, .unknown,
    ]

    /// Roles drawn on the banner's row. A theme that leaves one out gets the
    /// banner's style, and colours left out of its table are the banner's, so
    /// the row keeps one background (issue 13).
    public static let bannerParts: [StyleRole] = [.bannerLeader, .bannerOk, .bannerAlarm, .bannerDim]
}
