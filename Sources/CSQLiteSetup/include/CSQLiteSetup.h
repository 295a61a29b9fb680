#ifndef CSQLITESETUP_H
#define CSQLITESETUP_H

/// Turns off SQLite's memory statistics for the process (`SQLITE_CONFIG_MEMSTATUS`), which take a
/// global mutex on every allocation and free. Only before SQLite is first used; returns SQLite's
/// result code (`SQLITE_MISUSE` afterwards, changing nothing). `sqlite3_config` is variadic, which
/// Swift cannot call.
int callops_sqlite_memory_statistics_off(void);

#endif
