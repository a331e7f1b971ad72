package io.backupkit.modules.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleOption;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.InMemoryArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SqliteModuleTest {
    @TempDir
    Path dir;

    private SqliteModule module(Map<String, String> config) {
        SqliteModule module = new SqliteModule();
        module.configure(new ModuleConfig("sqlite", config));
        return module;
    }

    private static BackupContext backupContext(List<ModuleOption> options) {
        return new BackupContext(false, options, Cancellation.never(), Clock.systemUTC());
    }

    private static RestoreContext restoreContext(List<ModuleOption> options) {
        return new RestoreContext(false, options, 1, Cancellation.never(), Clock.systemUTC());
    }

    @Test
    void backupWhileAWriterInsertsGivesAConsistentPrefixOfTheWrites() throws Exception {
        Path db = dir.resolve("app.db");
        Databases.sql(db, "PRAGMA journal_mode = WAL", "CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
        SqliteModule module = module(Map.of("db.app", db.toString()));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = Databases.open(db); Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA busy_timeout = 30000");
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO t (payload) VALUES (?)")) {
                    while (!stop.get()) {
                        insert.setString(1, "x".repeat(500));
                        insert.executeUpdate(); // autocommit: one transaction per row
                        written.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "sqlite-writer");
        writer.start();
        InMemoryArchive archive = new InMemoryArchive("sqlite");
        long atStart;
        try {
            while (written.get() < 2_000 && failure.get() == null) {
                Thread.sleep(5);
            }
            atStart = written.get();
            module.backup(backupContext(List.of()), archive);
            long atEnd = written.get();
            while (written.get() < atEnd + 100 && failure.get() == null) {
                Thread.sleep(5); // the writer goes on after the snapshot
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(failure.get()).as("the writer's failure").isNull();
        long total = written.get();

        RestoreStage stage = module.prepare(restoreContext(List.of()), archive.source());
        stage.commit();
        stage.finish();

        assertThat(Databases.integrity(db)).isEqualTo("ok");
        long count = Databases.queryLong(db, "SELECT count(*) FROM t");
        assertThat(Databases.queryLong(db, "SELECT max(id) FROM t")).as("ids without gaps").isEqualTo(count);
        assertThat(Databases.queryLong(db, "SELECT min(id) FROM t")).isEqualTo(1);
        assertThat(count).isGreaterThanOrEqualTo(atStart).isLessThan(total);
        assertThat(leftovers()).as("staged, previous and temporary files").isEmpty();
    }

    @Test
    void optionsSelectTheDatabases() throws Exception {
        Databases.sql(dir.resolve("a.db"), "CREATE TABLE t (x)");
        Databases.sql(dir.resolve("b.db"), "CREATE TABLE t (x)");
        SqliteModule module = module(Map.of("db.a", dir.resolve("a.db").toString(), "db.b", dir.resolve("b.db").toString()));
        InMemoryArchive all = new InMemoryArchive("sqlite");
        InMemoryArchive onlyB = new InMemoryArchive("sqlite");

        module.backup(backupContext(List.of()), all);
        module.backup(backupContext(List.of(ModuleOption.of("database", "b"))), onlyB);

        assertThat(all.names()).containsExactly("a.db", "b.db");
        assertThat(onlyB.names()).containsExactly("b.db");
        assertThat(module.estimate(backupContext(List.of(ModuleOption.of("database", "b")))))
                .isEqualTo(Files.size(dir.resolve("b.db")));
    }

    @Test
    void restoreOptionsRestoreOnlyTheSelectedDatabases() throws Exception {
        Databases.sql(dir.resolve("a.db"), "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)");
        Databases.sql(dir.resolve("b.db"), "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)");
        SqliteModule module = module(Map.of("db.a", dir.resolve("a.db").toString(), "db.b", dir.resolve("b.db").toString()));
        InMemoryArchive archive = new InMemoryArchive("sqlite");
        module.backup(backupContext(List.of()), archive);
        Databases.sql(dir.resolve("a.db"), "INSERT INTO t VALUES (2)");
        Databases.sql(dir.resolve("b.db"), "INSERT INTO t VALUES (2)");

        RestoreStage stage = module.prepare(restoreContext(List.of(ModuleOption.of("database", "a"))), archive.source());
        stage.commit();
        stage.finish();

        assertThat(Databases.queryLong(dir.resolve("a.db"), "SELECT count(*) FROM t")).isEqualTo(1);
        assertThat(Databases.queryLong(dir.resolve("b.db"), "SELECT count(*) FROM t")).isEqualTo(2);
    }

    @Test
    void refusesAnOptionNamingADatabaseThatIsNotConfigured() throws Exception {
        Databases.sql(dir.resolve("a.db"), "CREATE TABLE t (x)");
        SqliteModule module = module(Map.of("db.a", dir.resolve("a.db").toString()));

        assertThatThrownBy(() -> module.backup(backupContext(List.of(ModuleOption.of("database", "nope"))),
                new InMemoryArchive("sqlite")))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("Module 'sqlite': option 'database' names database 'nope', which is not configured"
                        + " (configured: a)");
    }

    @Test
    void configurationErrorsNameTheKey() {
        assertThatThrownBy(() -> module(Map.of("database.a", "/x.db")))
                .hasMessage("Module 'sqlite': configuration key 'database.a' is not known (value '/x.db');"
                        + " expected 'db.<name>'");
        assertThatThrownBy(() -> module(Map.of("db.a", "relative.db")))
                .hasMessage("Module 'sqlite': configuration key 'db.a' must be an absolute path (got 'relative.db')");
        assertThatThrownBy(() -> module(Map.of("db.a", dir.toString())))
                .hasMessage("Module 'sqlite': configuration key 'db.a' must name a database file, not a directory"
                        + " (got '" + dir + "')");
    }

    @Test
    void isNotAvailableWithoutDatabases() {
        SqliteModule module = module(Map.of());

        assertThat(module.canBackup()).isFalse();
        assertThat(module.canRestore()).isFalse();
        assertThat(module.info().shortName()).isEqualTo("sqlite");
        assertThat(module.info().supportedOptions()).containsExactly("database");
    }

    @Test
    void configOnlyBackupWritesNothing() throws Exception {
        Databases.sql(dir.resolve("a.db"), "CREATE TABLE t (x)");
        SqliteModule module = module(Map.of("db.a", dir.resolve("a.db").toString()));
        InMemoryArchive archive = new InMemoryArchive("sqlite");

        module.backup(new BackupContext(true, List.of(), Cancellation.never(), Clock.systemUTC()), archive);

        assertThat(archive.size()).isZero();
    }

    @Test
    void prepareRefusesADatabaseThatFailsTheIntegrityCheckAndLeavesNothing() throws Exception {
        Databases.sql(dir.resolve("a.db"), "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)");
        SqliteModule module = module(Map.of("db.a", dir.resolve("a.db").toString()));
        byte[] garbage = "not a database, just some bytes that are long enough to look like a header".repeat(20)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        InMemoryArchive archive = new InMemoryArchive("sqlite")
                .add(Entry.file("a.db", garbage.length, Instant.EPOCH, 0644), garbage);

        assertThatThrownBy(() -> module.prepare(restoreContext(List.of()), archive.source()))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY))
                .hasMessageStartingWith("Database 'a' of module 'sqlite' in the archive fails the integrity check: ");

        assertThat(Databases.queryLong(dir.resolve("a.db"), "SELECT count(*) FROM t")).isEqualTo(1);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void commitMovesAwayTheWalOfTheLiveDatabaseAndRollbackBringsItBack() throws Exception {
        Path db = dir.resolve("a.db");
        Databases.sql(db, "PRAGMA journal_mode = WAL", "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)");
        SqliteModule module = module(Map.of("db.a", db.toString()));
        InMemoryArchive archive = new InMemoryArchive("sqlite");
        module.backup(backupContext(List.of()), archive);
        try (Connection open = Databases.open(db); Statement s = open.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = 0");
            s.execute("INSERT INTO t VALUES (2)"); // stays in the -wal while this connection is open
            assertThat(dir.resolve("a.db-wal")).exists();
            Files.copy(db, dir.resolve("copy.db"));
            Files.copy(dir.resolve("a.db-wal"), dir.resolve("copy.db-wal"));
        }
        Files.move(dir.resolve("copy.db"), db, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("copy.db-wal"), dir.resolve("a.db-wal"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        RestoreStage stage = module.prepare(restoreContext(List.of()), archive.source());
        stage.commit();
        assertThat(dir.resolve("a.db-wal")).doesNotExist();
        assertThat(Databases.queryLong(db, "SELECT count(*) FROM t")).isEqualTo(1);
        stage.rollback();

        assertThat(Databases.queryLong(db, "SELECT count(*) FROM t")).isEqualTo(2);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void missingDatabaseFailsEstimateAndBackupNamingItAndTheOsReasonWithoutCreatingIt() throws Exception {
        Databases.sql(dir.resolve("a.db"), "CREATE TABLE t (x)");
        Path missing = dir.resolve("b.db");
        SqliteModule module = module(Map.of("db.a", dir.resolve("a.db").toString(), "db.b", missing.toString()));
        InMemoryArchive archive = new InMemoryArchive("sqlite");
        String message = "Module 'sqlite': cannot read database 'b' ('" + missing + "'): No such file or directory";

        assertThatThrownBy(() -> module.estimate(backupContext(List.of()))).isInstanceOf(IOException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> module.backup(backupContext(List.of()), archive)).isInstanceOf(IOException.class)
                .hasMessage(message);

        assertThat(archive.size()).as("entries written").isZero();
        assertThat(missing).doesNotExist();
    }

    private List<String> leftovers() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }
}
