#include <sqlite3.h>
#include "CSQLiteSetup.h"

int callops_sqlite_memory_statistics_off(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
