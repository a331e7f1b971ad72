package io.backupkit.modules.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.spi.BackupContext;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.InMemoryArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restores named with the restore id, their journal and recovery, and the free-space check. */
final class SqliteRestoreTest {
    private static final String ID = "r-7";

    @TempDir
    Path dir;

    private Path db;
    private SqliteModule module;
    private InMemoryArchive archive;

    @BeforeEach
    void backedUpDatabase() throws Exception {
        db = dir.resolve("a.db");
        Databases.sql(db, "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)");
        module = new SqliteModule();
        module.configure(new ModuleConfig("sqlite", Map.of("db.a", db.toString())));
        archive = new InMemoryArchive("sqlite");
        module.backup(new BackupContext(false, List.of(), Cancellation.never(), Clock.systemUTC()), archive);
        Databases.sql(db, "INSERT INTO t VALUES (2)");
    }

    @Test
    void temporariesAreNamedWithTheRestoreIdAndTheJournalNamesEachDatabase() throws Exception {
        RestoreStage stage = module.prepare(context(-1), archive.source());
        assertThat(leftovers()).containsExactly(".a.db.restore-r-7");
        assertThat(stage.journal()).isEqualTo(Map.of("db.a", db.toString(), "db.a.existed", "true"));
        stage.commit();
        assertThat(leftovers()).containsExactly(".a.db.previous-r-7");
        stage.finish();

        assertThat(leftovers()).isEmpty();
        assertThat(Databases.queryLong(db, "SELECT count(*) FROM t")).isEqualTo(1);
    }

    @Test
    void aDatabaseThatDidNotExistIsRemovedByARollbackAfterCommit() throws Exception {
        Files.delete(db);
        RestoreStage stage = module.prepare(context(-1), archive.source());
        assertThat(stage.journal()).containsEntry("db.a.existed", "false");
        stage.commit();
        assertThat(Databases.queryLong(db, "SELECT count(*) FROM t")).isEqualTo(1);
        stage.rollback();

        assertThat(db).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void prepareFailsBeforeWritingAnythingWhenTheFileStoreHasNotEnoughSpace() throws Exception {
        long needed = Files.getFileStore(dir).getUsableSpace() + (1L << 40);

        assertThatThrownBy(() -> module.prepare(context(needed), archive.source())).isInstanceOf(IOException.class)
                .hasMessageMatching("Module 'sqlite': not enough space to stage database 'a' in '" + dir + "': " + needed
                        + " bytes needed, [0-9]+ bytes free");

        assertThat(leftovers()).isEmpty();
    }

    @Test
    void commitFailsNamingThePathsAndTheOsReason() throws Exception {
        RestoreStage stage = module.prepare(context(-1), archive.source());
        Files.createDirectories(dir.resolve(".a.db.previous-r-7/in-the-way"));

        assertThatThrownBy(stage::commit).isInstanceOf(IOException.class).hasMessage("Module 'sqlite': cannot rename '"
                + db + "' to '" + dir.resolve(".a.db.previous-r-7") + "': Is a directory");
        assertThat(Databases.queryLong(db, "SELECT count(*) FROM t")).isEqualTo(2);
    }

    @Test
    void recoverWithAnEmptyJournalDeletesWhatAnInterruptedPrepareStaged() throws Exception {
        module.prepare(context(-1), archive.source());

        module.recover(ID, Map.of(), true);

        assertThat(leftovers()).isEmpty();
        assertThat(Databases.queryLong(db, "SELECT count(*) FROM t")).isEqualTo(2);
    }

    @Test
    void recoverForwardFailsNamingADatabaseThatIsMissingWithItsStage() throws Exception {
        RestoreStage stage = module.prepare(context(-1), archive.source());
        Files.delete(dir.resolve(".a.db.restore-r-7"));
        Files.delete(db);

        assertThatThrownBy(() -> module.recover(ID, stage.journal(), true)).isInstanceOf(IOException.class)
                .hasMessage("Module 'sqlite': cannot finish the restore of database 'a' ('" + db + "'): it is missing"
                        + " and its stage '" + dir.resolve(".a.db.restore-r-7") + "' is gone");
    }

    @Test
    void recoverRefusesAJournalItDoesNotKnow() {
        assertThatThrownBy(() -> module.recover(ID, Map.of("db.a.existed", "true"), false))
                .isInstanceOf(IOException.class)
                .hasMessage("Module 'sqlite' cannot recover a restore from the journal key 'db.a.existed' (value 'true')");
    }

    private static RestoreContext context(long bytes) {
        return new RestoreContext(false, List.of(), 1, Cancellation.never(), Clock.systemUTC(), ID, bytes);
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted().toList();
        }
    }
}
