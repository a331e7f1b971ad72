package io.backupkit.modules.files;

import static io.backupkit.modules.files.FilesModuleContractTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.InMemoryArchive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restores named with the restore id, their journal and recovery, restored modes and the free-space check. */
final class FilesRestoreTest {
    private static final Instant T0 = Instant.parse("2024-03-04T05:06:07Z");
    private static final String ID = "r-42";

    @TempDir
    Path tmp;

    @Test
    void temporariesAreNamedWithTheRestoreIdAndTheJournalNamesEachRoot() throws Exception {
        Path cfg = tree("cfg");
        Path missing = tmp.resolve("new");
        FilesModule module = module(Map.of("root.cfg", cfg.toString(), "root.new", missing.toString()));

        RestoreStage stage = module.prepare(context(-1), archive("cfg", "new").source());
        assertThat(siblings()).containsExactly(".cfg.restore-r-42", ".new.restore-r-42");
        assertThat(stage.journal()).isEqualTo(Map.of("root.cfg", cfg.toString(), "root.cfg.existed", "true",
                "root.new", missing.toString(), "root.new.existed", "false"));
        stage.commit();
        assertThat(siblings()).containsExactly(".cfg.previous-r-42");
        stage.finish();

        assertThat(siblings()).isEmpty();
        assertThat(cfg.resolve("f.txt")).hasContent("new");
        assertThat(missing.resolve("f.txt")).hasContent("new");
    }

    @Test
    void rollbackAfterCommitRemovesARootThatDidNotExist() throws Exception {
        Path missing = tmp.resolve("new");
        FilesModule module = module(Map.of("root.new", missing.toString()));

        RestoreStage stage = module.prepare(context(-1), archive("new").source());
        stage.commit();
        assertThat(missing.resolve("f.txt")).hasContent("new");
        stage.rollback();

        assertThat(missing).doesNotExist();
        assertThat(siblings()).isEmpty();
    }

    @Test
    void directoriesAndFilesOfModeZeroAreRestoredSoThatTheirOwnerCanUseThem() throws Exception {
        Path root = tmp.resolve("data");
        Files.createDirectories(root);
        FilesModule module = module(Map.of("root.data", root.toString()));
        InMemoryArchive archive = new InMemoryArchive("files")
                .add(Entry.directory("data", T0, 0))
                .add(Entry.directory("data/d", T0, 0))
                .add(Entry.file("data/d/f", 1, T0, 0), new byte[] {'x'})
                .add(Entry.file("data/g", 1, T0, 07070), new byte[] {'y'});

        RestoreStage stage = module.prepare(context(-1), archive.source());
        stage.commit();
        stage.finish();

        assertThat(mode(root)).isEqualTo("rwx------");
        assertThat(mode(root.resolve("d"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("d/f"))).isEqualTo("rw-------");
        assertThat(mode(root.resolve("g"))).isEqualTo("rw-rwx---");
        assertThat(root.resolve("d/f")).hasContent("x");
    }

    @Test
    void prepareFailsBeforeWritingAnythingWhenTheFileStoreHasNotEnoughSpace() throws Exception {
        Path cfg = tree("cfg");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        long needed = Files.getFileStore(tmp).getUsableSpace() + (1L << 40);

        assertThatThrownBy(() -> module.prepare(context(needed), archive("cfg").source()))
                .isInstanceOf(IOException.class)
                .hasMessageMatching("Module 'files': not enough space to stage root 'cfg' in '" + tmp + "': " + needed
                        + " bytes needed, [0-9]+ bytes free");

        assertThat(siblings()).isEmpty();
    }

    @Test
    void prepareStagesWhenTheFileStoreHasTheSpace() throws Exception {
        Path cfg = tree("cfg");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));

        module.prepare(context(3), archive("cfg").source()).rollback();

        assertThat(siblings()).isEmpty();
    }

    @Test
    void commitFailsNamingThePathsAndTheOsReason() throws Exception {
        Path cfg = tree("cfg");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        RestoreStage stage = module.prepare(context(-1), archive("cfg").source());
        write(tmp.resolve(".cfg.previous-r-42/in-the-way"), "x", "rw-r--r--");

        assertThatThrownBy(stage::commit).isInstanceOf(IOException.class).hasMessage("Module 'files': cannot rename '"
                + cfg + "' to '" + tmp.resolve(".cfg.previous-r-42") + "': Directory not empty");
        assertThat(cfg.resolve("f.txt")).hasContent("old");
    }

    @Test
    void commitFailsNamingTheRootWhenItsStageIsGone() throws Exception {
        Path cfg = tree("cfg");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        RestoreStage stage = module.prepare(context(-1), archive("cfg").source());
        Tree.delete(tmp.resolve(".cfg.restore-r-42"));

        assertThatThrownBy(stage::commit).isInstanceOf(IOException.class).hasMessage("Module 'files': cannot commit root"
                + " 'cfg' ('" + cfg + "'): its stage '" + tmp.resolve(".cfg.restore-r-42") + "' is gone");
        assertThat(cfg.resolve("f.txt")).hasContent("old");
    }

    @Test
    void recoverWithAnEmptyJournalDeletesWhatAnInterruptedPrepareStaged() throws Exception {
        Path cfg = tree("cfg");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        module.prepare(context(-1), archive("cfg").source());

        module.recover(ID, Map.of(), true);

        assertThat(siblings()).isEmpty();
        assertThat(cfg.resolve("f.txt")).hasContent("old");
    }

    @Test
    void recoverForwardFailsNamingARootThatIsMissingWithItsStage() throws Exception {
        Path cfg = tree("cfg");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        RestoreStage stage = module.prepare(context(-1), archive("cfg").source());
        Tree.delete(tmp.resolve(".cfg.restore-r-42"));
        Tree.delete(cfg);

        assertThatThrownBy(() -> module.recover(ID, stage.journal(), true)).isInstanceOf(IOException.class)
                .hasMessage("Module 'files': cannot finish the restore of root 'cfg' ('" + cfg + "'): it is missing and"
                        + " its stage '" + tmp.resolve(".cfg.restore-r-42") + "' is gone");
        assertThat(cfg).doesNotExist();
    }

    @Test
    void recoverForwardPutsThePreviousTreeBackWhenTheStageIsGone() throws Exception {
        Path cfg = tree("cfg");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        RestoreStage stage = module.prepare(context(-1), archive("cfg").source());
        Files.move(cfg, tmp.resolve(".cfg.previous-r-42"));
        Tree.delete(tmp.resolve(".cfg.restore-r-42"));

        assertThatThrownBy(() -> module.recover(ID, stage.journal(), true)).isInstanceOf(IOException.class)
                .hasMessageEndingWith("is gone; the previous data is back in place");
        assertThat(cfg.resolve("f.txt")).hasContent("old");
        assertThat(siblings()).isEmpty();
    }

    @Test
    void recoverRefusesAJournalItDoesNotKnowAndARestoreIdThatIsNotOne() throws Exception {
        FilesModule module = module(Map.of("root.cfg", tree("cfg").toString()));

        assertThatThrownBy(() -> module.recover(ID, Map.of("root.cfg", "relative"), true)).isInstanceOf(IOException.class)
                .hasMessage("Module 'files' cannot recover a restore from the journal key 'root.cfg' (value 'relative')");
        assertThatThrownBy(() -> module.recover(ID, Map.of("db.x", "/x"), true)).isInstanceOf(IOException.class)
                .hasMessage("Module 'files' cannot recover a restore from the journal key 'db.x' (value '/x')");
        assertThatThrownBy(() -> module.recover("../x", Map.of(), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("restoreId must match [A-Za-z0-9-]+ (got '../x')");
    }

    // ---- helpers

    /** A root holding {@code f.txt} with "old". */
    private Path tree(String name) throws IOException {
        Path root = tmp.resolve(name);
        write(root.resolve("f.txt"), "old", "rw-r--r--");
        return root;
    }

    /** Each root with {@code f.txt} holding "new". */
    private static InMemoryArchive archive(String... roots) {
        InMemoryArchive archive = new InMemoryArchive("files");
        for (String root : roots) {
            archive.add(Entry.directory(root, T0, 0755))
                    .add(Entry.file(root + "/f.txt", 3, T0, 0644), "new".getBytes(StandardCharsets.UTF_8));
        }
        return archive;
    }

    private static RestoreContext context(long bytes) {
        return new RestoreContext(false, List.of(), 1, Cancellation.never(), Clock.systemUTC(), ID, bytes);
    }

    private static FilesModule module(Map<String, String> config) {
        FilesModule module = new FilesModule();
        module.configure(new ModuleConfig("files", config));
        return module;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private List<String> siblings() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted().toList();
        }
    }
}
