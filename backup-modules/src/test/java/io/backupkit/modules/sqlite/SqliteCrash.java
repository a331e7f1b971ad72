package io.backupkit.modules.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.modules.CrashScenario;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.InMemoryArchive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The restore {@link SqliteCrashRecoveryTest} interrupts: database {@code main} in WAL mode, whose last
 * row is only in its {@code -wal}, and database {@code cache}, missing before the restore; the archive
 * holds a new version of each, backed up from databases made beside the live directory.
 */
final class SqliteCrash extends CrashScenario {
    private static final String RESTORE_ID = "crash-5q1";
    private static final List<String> DATABASES = List.of("cache", "main");

    @Override
    protected String restoreId() {
        return RESTORE_ID;
    }

    @Override
    protected void hook(Consumer<String> step) {
        DatabaseSwap.step = step;
    }

    @Override
    protected RestoreStage prepare(Path dir) throws Exception {
        return module(dir).prepare(context(), archive(dir.resolveSibling(dir.getFileName() + "-source")).source());
    }

    @Override
    protected void recover(Path dir, Map<String, String> journal, boolean forward) throws IOException {
        module(dir).recover(RESTORE_ID, journal, forward);
    }

    @Override
    protected void checkCannotGoForward(Path dir, IOException failure) {
        assertThat(failure).hasMessageStartingWith("Module 'sqlite': cannot finish the restore of database 'cache' ('"
                + dir.resolve("cache.db") + "'): it is missing and its stage '");
    }

    private static SqliteModule module(Path dir) {
        SqliteModule module = new SqliteModule();
        module.configure(new ModuleConfig("sqlite", Map.of("db.main", dir.resolve("main.db").toString(),
                "db.cache", dir.resolve("cache.db").toString())));
        return module;
    }

    /** The live data before the restore: {@code main.db} with a row in its {@code -wal}, no {@code cache.db}. */
    @Override
    protected void oldData(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path db = dir.resolve("main.db");
        Databases.sql(db, "PRAGMA journal_mode = WAL", "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('old 1')");
        Path copy = dir.resolve("copy.db");
        try (Connection open = Databases.open(db); Statement s = open.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = 0");
            s.execute("INSERT INTO t VALUES ('old 2')"); // stays in the -wal while this connection is open
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.copy(DatabaseSwap.companion(db, suffix), DatabaseSwap.companion(copy, suffix));
            }
        }
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.move(DatabaseSwap.companion(copy, suffix), DatabaseSwap.companion(db, suffix),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The archive of the new data, backed up from databases made under {@code source}. */
    private static InMemoryArchive archive(Path source) throws Exception {
        if (!Files.exists(source.resolve("main.db"))) {
            Files.createDirectories(source);
            Databases.sql(source.resolve("main.db"), "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('new 1')");
            Databases.sql(source.resolve("cache.db"), "CREATE TABLE c (k TEXT)", "INSERT INTO c VALUES ('new c')");
        }
        InMemoryArchive archive = new InMemoryArchive("sqlite");
        module(source).backup(new BackupContext(false, List.of(), Cancellation.never(), Clock.systemUTC()), archive);
        return archive;
    }

    private static RestoreContext context() {
        return new RestoreContext(false, List.of(), 1, Cancellation.never(), Clock.systemUTC(), RESTORE_ID, -1);
    }

    /** The rows of each database, or a mark that it is missing. */
    @Override
    protected Map<String, Map<String, String>> snapshots(Path dir) throws Exception {
        Map<String, Map<String, String>> databases = new TreeMap<>();
        for (String name : DATABASES) {
            Path db = dir.resolve(name + ".db");
            Map<String, String> view = new TreeMap<>();
            if (Files.exists(db, LinkOption.NOFOLLOW_LINKS)) {
                view.put("#integrity", Databases.integrity(db));
                Databases.rows(db, name).forEach((k, v) -> view.put(k, new String(v, StandardCharsets.UTF_8)));
            } else {
                view.put("#missing", "");
            }
            databases.put(name, view);
        }
        return databases;
    }
}
