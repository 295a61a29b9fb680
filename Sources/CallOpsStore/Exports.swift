// Modules speak GRDB's `Database` in their functions; importing the store brings it along.
@_exported import GRDB
