package io.backupkit.modules.sqlite;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code sqlite} module: consistent snapshots of the host's SQLite databases, taken while the host
 * keeps writing.
 *
 * <h2>Configuration</h2>
 * Read strictly; any other key is an {@code INVALID_INPUT} error naming it:
 * <ul>
 *   <li>{@code db.<name>}: the absolute path of a database file. {@code <name>} matches
 *       {@code [A-Za-z0-9_-]+} and names the database in entries and options.</li>
 * </ul>
 * Without any database the module is not available for backup or restore.
 *
 * <h2>Backup</h2>
 * Each selected database is copied with {@code VACUUM INTO} on a connection of its own: one read
 * transaction, so the copy is a consistent snapshot of the last commit before it started, while other
 * connections go on writing (in WAL mode they are never blocked). Never a file copy, which could catch a
 * half-written page. The snapshot, written to a temporary file and deleted afterwards, becomes the entry
 * {@code <name>.db}. The option {@code database} (repeatable) picks the databases by name; without it,
 * all. A name that is not configured is refused. Databases are data, not configuration: a
 * {@code config_only} backup writes nothing and a {@code config_only} restore changes nothing.
 *
 * <h2>Restore</h2>
 * {@code prepare} writes each entry to {@code .<file>.restore-<uuid>} beside the live database and
 * refuses it unless {@code PRAGMA integrity_check} says {@code ok}. {@code commit} renames the live
 * database (and its {@code -wal}, {@code -shm} and {@code -journal} files) to
 * {@code .<file>.previous-<uuid>...} and moves the staged file into place atomically; {@code rollback}
 * puts the previous files back; {@code finish} deletes them. The host must close its connections to a
 * database before it is restored: an open connection keeps using the renamed file.
 *
 * <h2>Factory reset</h2>
 * Deletes every configured database file with its {@code -wal}, {@code -shm} and {@code -journal}
 * files; the host creates its databases anew.
 */
public final class SqliteModule implements BackupModule {
    /** The module's short name. */
    public static final String NAME = "sqlite";
    /** The option that selects databases by name. */
    public static final String DATABASE = "database";

    private static final Pattern DB_KEY = Pattern.compile("db\\.([A-Za-z0-9_-]+)");
    private static final List<String> COMPANIONS = List.of("-wal", "-shm", "-journal");
    private static final String SUFFIX = ".db";

    private Map<String, Path> databases = Map.of();

    @Override
    public ModuleInfo info() {
        return new ModuleInfo(NAME, "databases", "SQLite databases, as consistent snapshots", "transaction",
                List.of(DATABASE));
    }

    @Override
    public boolean canBackup() {
        return !databases.isEmpty();
    }

    @Override
    public boolean canRestore() {
        return !databases.isEmpty();
    }

    @Override
    public void configure(ModuleConfig config) {
        Map<String, Path> configured = new TreeMap<>();
        for (String key : config.keys()) {
            String value = config.get(key).orElseThrow();
            Matcher m = DB_KEY.matcher(key);
            if (!m.matches()) {
                throw invalid("configuration key '" + key + "' is not known (value '" + value
                        + "'); expected 'db.<name>'");
            }
            Path path = Path.of(value);
            if (!path.isAbsolute()) {
                throw invalid("configuration key '" + key + "' must be an absolute path (got '" + value + "')");
            }
            if (Files.isDirectory(path)) {
                throw invalid("configuration key '" + key + "' must name a database file, not a directory (got '"
                        + value + "')");
            }
            configured.put(m.group(1), path.normalize());
        }
        databases = Collections.unmodifiableMap(configured);
    }

    @Override
    public long estimate(BackupContext context) throws IOException {
        if (context.configOnly()) {
            return 0;
        }
        long total = 0;
        for (Path db : selected(context.values(DATABASE)).values()) {
            for (Path file : List.of(db, companion(db, "-wal"))) {
                if (Files.isRegularFile(file)) {
                    total += Files.size(file);
                }
            }
        }
        return total;
    }

    @Override
    public void backup(BackupContext context, EntrySink sink) throws IOException {
        if (context.configOnly()) {
            return; // databases are data
        }
        for (Map.Entry<String, Path> db : selected(context.values(DATABASE)).entrySet()) {
            context.cancellation().throwIfCancelled();
            String name = db.getKey();
            Path live = db.getValue();
            if (!Files.isRegularFile(live)) {
                throw new IOException("Database '" + name + "' ('" + live + "') of module '" + NAME
                        + "' does not exist");
            }
            Path temp = Files.createTempDirectory("backupkit-sqlite-");
            Path snapshot = temp.resolve(name + SUFFIX);
            try {
                try (Connection c = open(live); Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 30000");
                    s.executeUpdate("VACUUM INTO '" + snapshot.toString().replace("'", "''") + "'");
                } catch (SQLException e) {
                    throw new IOException("Cannot snapshot database '" + name + "' ('" + live + "'): "
                            + e.getMessage(), e);
                }
                sink.file(Entry.file(name + SUFFIX, Files.size(snapshot), Files.getLastModifiedTime(live).toInstant(),
                        0644), snapshot);
            } finally {
                Files.deleteIfExists(snapshot);
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException {
        if (context.configOnly()) {
            return new Stage(List.of()); // databases are data: nothing to restore
        }
        Map<String, Path> wanted = selected(context.values(DATABASE));
        List<Staged> staged = new ArrayList<>();
        try {
            Entry entry;
            while ((entry = entries.next()) != null) {
                context.cancellation().throwIfCancelled();
                String name = databaseOf(entry);
                if (!wanted.containsKey(name)) {
                    continue;
                }
                Path live = wanted.get(name);
                Path file = live.resolveSibling("." + live.getFileName() + ".restore-" + UUID.randomUUID());
                staged.add(new Staged(name, live, file));
                try (InputStream in = entries.content()) {
                    Files.copy(in, file);
                }
                checkIntegrity(name, file);
            }
        } catch (IOException | RuntimeException e) {
            for (Staged s : staged) {
                deleteWithCompanions(s.file());
            }
            throw e;
        }
        return new Stage(staged);
    }

    @Override
    public void factoryReset(Cancellation cancellation) throws IOException {
        for (Path db : databases.values()) {
            cancellation.throwIfCancelled();
            deleteWithCompanions(db);
        }
    }

    /** The configured databases, by name. */
    public Map<String, Path> databases() {
        return databases;
    }

    private Map<String, Path> selected(List<String> names) {
        if (names.isEmpty()) {
            return databases;
        }
        Map<String, Path> selected = new LinkedHashMap<>();
        for (String name : names) {
            Path path = databases.get(name);
            if (path == null) {
                throw invalid("option '" + DATABASE + "' names database '" + name + "', which is not configured"
                        + " (configured: " + String.join(", ", databases.keySet()) + ")");
            }
            selected.put(name, path);
        }
        return selected;
    }

    private String databaseOf(Entry entry) throws IOException {
        String entryName = entry.name();
        String name = entryName.endsWith(SUFFIX) ? entryName.substring(0, entryName.length() - SUFFIX.length()) : "";
        if (entry.directory() || !databases.containsKey(name)) {
            throw new IOException("Entry '" + entryName + "' of module '" + NAME + "' is not a configured database"
                    + " (configured: " + String.join(", ", databases.keySet()) + ")");
        }
        return name;
    }

    private static void checkIntegrity(String name, Path file) throws IOException {
        String result;
        try (Connection c = open(file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            result = rs.next() ? rs.getString(1) : "no result";
        } catch (SQLException e) {
            result = e.getMessage();
        }
        if (!"ok".equals(result)) {
            throw new BackupException(ErrorCode.INTEGRITY, "Database '" + name + "' of module '" + NAME
                    + "' in the archive fails the integrity check: " + result);
        }
    }

    private static Connection open(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    private static Path companion(Path db, String suffix) {
        return db.resolveSibling(db.getFileName() + suffix);
    }

    private static void deleteWithCompanions(Path db) throws IOException {
        Files.deleteIfExists(db);
        for (String suffix : COMPANIONS) {
            Files.deleteIfExists(companion(db, suffix));
        }
    }

    /** Moves {@code from} and its companions that exist to {@code to} and the same suffixes. */
    private static void moveWithCompanions(Path from, Path to) throws IOException {
        if (Files.exists(from)) {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
        for (String suffix : COMPANIONS) {
            Path companion = companion(from, suffix);
            if (Files.exists(companion)) {
                Files.move(companion, companion(to, suffix), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private static BackupException invalid(String message) {
        return new BackupException(ErrorCode.INVALID_INPUT, "Module '" + NAME + "': " + message);
    }

    private record Staged(String name, Path live, Path file) {
        Path previous() {
            return live.resolveSibling("." + live.getFileName() + ".previous-" + file.getFileName().toString()
                    .substring(file.getFileName().toString().lastIndexOf("-restore-") + "-restore-".length()));
        }
    }

    /** The staged databases; commits them in order and rolls back the committed ones in reverse. */
    private static final class Stage implements RestoreStage {
        private final List<Staged> staged;
        private final List<Staged> committed = new ArrayList<>();
        private boolean rolledBack;

        Stage(List<Staged> staged) {
            this.staged = List.copyOf(staged);
        }

        @Override
        public void commit() throws IOException {
            for (Staged s : staged) {
                moveWithCompanions(s.live(), s.previous()); // the live database, with its -wal and -shm
                committed.add(s);
                Files.move(s.file(), s.live(), StandardCopyOption.ATOMIC_MOVE);
            }
        }

        @Override
        public void rollback() throws IOException {
            if (rolledBack) {
                return;
            }
            for (int i = committed.size() - 1; i >= 0; i--) {
                Staged s = committed.get(i);
                if (!Files.exists(s.file())) { // the staged file was moved into place
                    deleteWithCompanions(s.live());
                }
                moveWithCompanions(s.previous(), s.live());
            }
            for (Staged s : staged) {
                deleteWithCompanions(s.file());
            }
            committed.clear();
            rolledBack = true;
        }

        @Override
        public void finish() throws IOException {
            for (Staged s : committed) {
                deleteWithCompanions(s.previous());
            }
        }
    }
}
