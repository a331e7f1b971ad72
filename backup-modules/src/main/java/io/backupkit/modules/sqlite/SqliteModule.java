package io.backupkit.modules.sqlite;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
import io.backupkit.modules.internal.FreeSpace;
import io.backupkit.modules.internal.OsErrors;
import io.backupkit.modules.internal.SwapStage;
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
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
 * Before anything is written, every selected database is checked: one that is missing, is not a regular
 * file or cannot be opened fails {@code estimate} and {@code backup} with an error naming it, its path and
 * the OS reason, as in {@code Module 'sqlite': cannot read database 'main' ('/srv/app/main.db'): No such
 * file or directory}.
 *
 * <h2>Restore</h2>
 * {@code prepare} first checks, when {@link RestoreContext#bytes()} is known, that the file store of each
 * selected database's directory has that many usable bytes. It writes each entry to
 * {@code .<file>.restore-<restoreId>} beside the live database and refuses it unless
 * {@code PRAGMA integrity_check} says {@code ok}. {@code commit} renames the live database (first) and
 * its {@code -wal}, {@code -shm} and {@code -journal} files to {@code .<file>.previous-<restoreId>...}
 * and moves the staged file into place atomically; {@code rollback} renames the restored database back to
 * the stage, puts the previous files back (their database last) and deletes the stage; {@code finish}
 * deletes the previous files (their database first). The host must close its connections to a database
 * before it is restored: an open connection keeps using the renamed file.
 *
 * <p>The journal ({@link RestoreStage#journal()}) holds, for each staged database, {@code db.<name>}: its
 * live path, and {@code db.<name>.existed}: whether it existed when the restore was prepared.
 * {@link #recover} decides from it and from which of the files named with the restore's id exist, so that
 * after a crash at any step each database ends up as the complete old one (with its own {@code -wal}) or
 * the complete new one, and no temporary is left. A database that is missing and whose stage is gone
 * cannot go forward: that is an error naming it.
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
    private static final String SUFFIX = ".db";
    private static final String JOURNAL_PREFIX = "db";

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
        Map<String, Path> selected = selected(context.values(DATABASE));
        checkReadable(selected);
        long total = 0;
        for (Path db : selected.values()) {
            for (Path file : List.of(db, DatabaseSwap.companion(db, "-wal"))) {
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
        Map<String, Path> selected = selected(context.values(DATABASE));
        checkReadable(selected);
        for (Map.Entry<String, Path> db : selected.entrySet()) {
            context.cancellation().throwIfCancelled();
            String name = db.getKey();
            Path live = db.getValue();
            Path temp = Files.createTempDirectory("backupkit-sqlite-");
            Path snapshot = temp.resolve(name + SUFFIX);
            try {
                try (Connection c = open(live); Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 30000");
                    s.executeUpdate("VACUUM INTO '" + snapshot.toString().replace("'", "''") + "'");
                } catch (SQLException e) {
                    throw new IOException("Module '" + NAME + "': cannot snapshot database '" + name + "' ('" + live
                            + "'): " + e.getMessage(), e);
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
            return new SwapStage(NAME, JOURNAL_PREFIX, List.of()); // databases are data: nothing to restore
        }
        Map<String, Path> wanted = selected(context.values(DATABASE));
        Map<Path, String> directories = new LinkedHashMap<>();
        wanted.forEach((name, live) -> directories.put(live.getParent(), "database '" + name + "'"));
        FreeSpace.check(NAME, directories, context.bytes());
        List<DatabaseSwap> staged = new ArrayList<>();
        try {
            Entry entry;
            while ((entry = entries.next()) != null) {
                context.cancellation().throwIfCancelled();
                String name = databaseOf(entry);
                if (!wanted.containsKey(name)) {
                    continue;
                }
                Path live = wanted.get(name);
                Path file = DatabaseSwap.stage(live, context.restoreId());
                staged.add(new DatabaseSwap(name, live, context.restoreId(), Files.exists(live, LinkOption.NOFOLLOW_LINKS)));
                try (InputStream in = entries.content()) {
                    Files.copy(in, file);
                } catch (FileSystemException e) {
                    throw OsErrors.failure(NAME, "write", file, e);
                }
                DatabaseSwap.step.accept("prepare " + name + ": staged");
                checkIntegrity(name, file);
                deleteCompanions(file);
            }
        } catch (IOException | RuntimeException e) {
            for (DatabaseSwap swap : staged) {
                deleteWithCompanions(DatabaseSwap.stage(swap.live(), context.restoreId()));
            }
            throw e;
        }
        return new SwapStage(NAME, JOURNAL_PREFIX, staged);
    }

    /**
     * Finishes ({@code forward}) or undoes an interrupted restore of every database in {@code journal};
     * with an empty journal (a crash during prepare) deletes what the restore staged beside the
     * configured databases, whatever the direction.
     *
     * @throws IOException naming the database or path and the OS reason; when a database cannot go
     *     forward because it is missing and its stage is gone
     */
    @Override
    public void recover(String restoreId, Map<String, String> journal, boolean forward) throws IOException {
        SwapStage.recover(NAME, JOURNAL_PREFIX, restoreId, journal, databases, forward,
                (name, live, existed) -> new DatabaseSwap(name, live, restoreId, existed));
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

    /** Deletes a database file and its companions. */
    private static void deleteWithCompanions(Path db) throws IOException {
        delete(db);
        deleteCompanions(db);
    }

    private static void deleteCompanions(Path db) throws IOException {
        for (String suffix : DatabaseSwap.COMPANIONS) {
            delete(DatabaseSwap.companion(db, suffix));
        }
    }

    private static void delete(Path file) throws IOException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw OsErrors.failure(NAME, "delete", file, e);
        }
    }

    /**
     * Checks that every database is a regular file that can be opened, before anything is written.
     *
     * @throws IOException {@code Module 'sqlite': cannot read database '<name>' ('<path>'): <reason>}
     */
    private static void checkReadable(Map<String, Path> selected) throws IOException {
        for (Map.Entry<String, Path> db : selected.entrySet()) {
            String problem = null;
            IOException cause = null;
            try {
                if (!Files.readAttributes(db.getValue(), BasicFileAttributes.class).isRegularFile()) {
                    problem = "not a regular file";
                } else {
                    FileChannel.open(db.getValue(), StandardOpenOption.READ).close();
                }
            } catch (IOException e) {
                problem = OsErrors.reason(e);
                cause = e;
            }
            if (problem != null) {
                throw new IOException("Module '" + NAME + "': cannot read database '" + db.getKey() + "' ('"
                        + db.getValue() + "'): " + problem, cause);
            }
        }
    }

    private static BackupException invalid(String message) {
        return new BackupException(ErrorCode.INVALID_INPUT, "Module '" + NAME + "': " + message);
    }
}
