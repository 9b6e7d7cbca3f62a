// Placeholder until config and 4lw reports land.
enum AdminPlaceholder {}
