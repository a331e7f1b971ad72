package io.backupkit.modules.sqlite;

import io.backupkit.spi.BackupModule;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.testkit.module.ModuleContractTest;
import java.nio.file.Path;
import java.util.Map;

/** The sqlite module keeps the module contract; its live data is compared row by row. */
final class SqliteModuleContractTest extends ModuleContractTest {
    @Override
    protected BackupModule createModule(Path workDir) throws Exception {
        Databases.sql(workDir.resolve("main.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO t (v) VALUES ('one'), ('two')");
        Databases.sql(workDir.resolve("cache.db"), "CREATE TABLE c (k TEXT PRIMARY KEY, v BLOB)",
                "INSERT INTO c VALUES ('a', x'00ff')");
        SqliteModule module = new SqliteModule();
        module.configure(new ModuleConfig("sqlite", Map.of(
                "db.main", workDir.resolve("main.db").toString(),
                "db.cache", workDir.resolve("cache.db").toString())));
        return module;
    }

    @Override
    protected void changeLiveData(Path workDir) throws Exception {
        Databases.sql(workDir.resolve("main.db"), "UPDATE t SET v = 'changed' WHERE id = 1",
                "INSERT INTO t (v) VALUES ('three')");
        Databases.sql(workDir.resolve("cache.db"), "DELETE FROM c");
    }

    @Override
    protected Map<String, byte[]> snapshotLiveData(Path workDir) throws Exception {
        Map<String, byte[]> rows = Databases.rows(workDir.resolve("main.db"), "main");
        rows.putAll(Databases.rows(workDir.resolve("cache.db"), "cache"));
        return rows;
    }

    @Override
    protected String sampleOptionValue(String option) {
        return "main";
    }
}
