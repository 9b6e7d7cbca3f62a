// Placeholder until the storage files land.
enum StoragePlaceholder {}
