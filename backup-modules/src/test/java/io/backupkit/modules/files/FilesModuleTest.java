package io.backupkit.modules.files;

import static io.backupkit.modules.files.FilesModuleContractTest.snapshot;
import static io.backupkit.modules.files.FilesModuleContractTest.touchTree;
import static io.backupkit.modules.files.FilesModuleContractTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleOption;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.testkit.InMemoryArchive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class FilesModuleTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2024-03-04T05:06:07.891Z");

    @TempDir
    Path tmp;

    // ---- discovery and description

    @Test
    void isFoundByServiceLoaderAndDescribesItself() {
        List<BackupModule> modules = ServiceLoader.load(BackupModule.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).filter(m -> m instanceof FilesModule).toList();

        assertThat(modules).hasSize(1);
        assertThat(modules.get(0).info()).satisfies(info -> {
            assertThat(info.shortName()).isEqualTo("files");
            assertThat(info.group()).isEqualTo("system");
            assertThat(info.groupType()).isEqualTo("aggregate");
            assertThat(info.desc()).isEqualTo("Files and directories of the host");
            assertThat(info.supportedOptions()).containsExactly("include", "exclude", "on_change", "on_unreadable");
        });
    }

    // ---- backup

    @Test
    void backupWritesEveryDirectoryAndFileInNameOrder() throws Exception {
        Path cfg = sampleTree();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));

        InMemoryArchive archive = backup(module, false);

        assertThat(archive.names()).containsExactly("cfg", "cfg/a.conf", "cfg/b.txt", "cfg/cache", "cfg/cache/e.conf",
                "cfg/empty", "cfg/logs", "cfg/logs/x.log", "cfg/sub", "cfg/sub/c.conf", "cfg/sub/deep",
                "cfg/sub/deep/d.conf");
        assertThat(new String(archive.content("cfg/sub/c.conf"), StandardCharsets.UTF_8)).isEqualTo("c");
    }

    @Test
    void backupKeepsLongUnicodeEmptyAndNestedNames() throws Exception {
        Path root = tmp.resolve("data");
        String longDir = "d".repeat(120);
        String longFile = "f".repeat(150) + ".txt";
        write(root.resolve("n1/n2/n3/" + longDir + "/" + longFile), "long", "rw-r--r--");
        write(root.resolve("Ünïcødé-文件.txt"), "unicode ✓", "rw-r--r--");
        write(root.resolve("日本/empty.bin"), new byte[0], "rw-r--r--");
        touchTree(root, T0);
        FilesModule module = module(Map.of("root.data", root.toString()));
        Map<String, byte[]> atBackup = snapshot(root, "data");

        InMemoryArchive archive = backup(module, false);
        String longName = "data/n1/n2/n3/" + longDir + "/" + longFile;
        assertThat(longName.length()).isGreaterThan(255);
        assertThat(archive.names()).contains(longName, "data/Ünïcødé-文件.txt", "data/日本/empty.bin");
        assertThat(archive.entries()).filteredOn(e -> e.name().equals("data/日本/empty.bin"))
                .singleElement().satisfies(e -> assertThat(e.size()).isZero());

        deleteContents(root);
        write(root.resolve("junk"), "junk", "rw-r--r--");
        restore(module, archive, false, List.of());

        assertThat(ModuleView.of(snapshot(root, "data"))).isEqualTo(ModuleView.of(atBackup));
    }

    @Test
    void backupHonoursIncludeAndExcludeGlobs() throws Exception {
        Path cfg = sampleTree();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        List<ModuleOption> options = List.of(ModuleOption.of("include", "**/*.conf"),
                ModuleOption.of("exclude", "cache"), ModuleOption.of("exclude", "cfg/sub/deep/d.*"));

        InMemoryArchive archive = new InMemoryArchive("files");
        module.backup(new BackupContext(false, options, Cancellation.never(), CLOCK), archive);

        // a.conf matches '**/*.conf' as 'cfg/a.conf'; 'cache' prunes the directory; d.conf is excluded by
        // its entry name, and 'deep' is then not written because it holds nothing that is.
        assertThat(archive.names()).containsExactly("cfg", "cfg/a.conf", "cfg/sub", "cfg/sub/c.conf");
        assertThat(module.estimate(new BackupContext(false, options, Cancellation.never(), CLOCK)))
                .isEqualTo(archive.totalBytes()).isEqualTo(2);
    }

    @Test
    void estimateSumsTheSizesOfWhatWouldBeBackedUp() throws Exception {
        Path cfg = sampleTree();
        write(cfg.resolve("big.bin"), new byte[10_000], "rw-r--r--");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));

        long estimate = module.estimate(new BackupContext(false, List.of(), Cancellation.never(), CLOCK));

        assertThat(estimate).isEqualTo(backup(module, false).totalBytes()).isEqualTo(10_006);
    }

    @Test
    void rejectsAnInvalidGlob() throws Exception {
        FilesModule module = module(Map.of("root.cfg", sampleTree().toString()));
        BackupContext context = new BackupContext(false, List.of(ModuleOption.of("include", "a[")),
                Cancellation.never(), CLOCK);

        assertThatThrownBy(() -> module.backup(context, new InMemoryArchive("files")))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("Module 'files': option 'include' is not a valid glob pattern (got 'a[')");
    }

    @Test
    void backupSkipsSymbolicLinksAndSpecialFiles() throws Exception {
        Path cfg = sampleTree();
        Path outside = tmp.resolve("outside");
        write(outside.resolve("secret.txt"), "outside", "rw-r--r--");
        Files.createSymbolicLink(cfg.resolve("link-to-file"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(cfg.resolve("link-to-dir"), outside);
        Files.createSymbolicLink(cfg.resolve("dangling"), tmp.resolve("nowhere"));
        new ProcessBuilder("mkfifo", cfg.resolve("pipe").toString()).start().waitFor();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));

        InMemoryArchive archive = backup(module, false);

        assertThat(archive.names()).noneMatch(n -> n.contains("link") || n.contains("dangling") || n.contains("pipe"))
                .noneMatch(n -> n.contains("secret"))
                .contains("cfg/a.conf");
    }

    @Test
    void missingOptionalRootIsBackedUpAsEmptyAndRestoredEmpty() throws Exception {
        Path gone = tmp.resolve("gone");
        FilesModule module = module(Map.of("root.gone", gone.toString(), "root.gone.optional", "true"));

        InMemoryArchive archive = backup(module, false);

        assertThat(archive.entries()).containsExactly(Entry.directory("gone", CLOCK.instant(), 0755));
        restore(module, archive, false, List.of());
        assertThat(gone).isEmptyDirectory();
        assertThat(Files.getLastModifiedTime(gone).toInstant()).isEqualTo(CLOCK.instant());
    }

    @Test
    void refusesARootThatIsNotADirectory() throws Exception {
        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        FilesModule module = module(Map.of("root.f", file.toString()));

        assertThatThrownBy(() -> backup(module, false)).isInstanceOf(IOException.class)
                .hasMessage("Root 'f' of module 'files' ('" + file + "') is not a directory");
    }

    // ---- restore

    @Test
    void restoreKeepsModificationTimesAndPermissions() throws Exception {
        Path root = tmp.resolve("data");
        write(root.resolve("private/key.pem"), "key", "rw-------");
        write(root.resolve("group/shared.txt"), "shared", "rw-r-----");
        Files.setPosixFilePermissions(root.resolve("group"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(root.resolve("private/key.pem"), FileTime.from(Instant.parse("2020-01-01T00:00:00.456Z")));
        Files.setLastModifiedTime(root.resolve("group/shared.txt"), FileTime.from(T0));
        Files.setLastModifiedTime(root.resolve("group"), FileTime.from(Instant.parse("2021-02-03T04:05:06.789Z")));
        FilesModule module = module(Map.of("root.data", root.toString()));

        InMemoryArchive archive = backup(module, false);
        assertThat(archive.entries()).contains(
                Entry.file("data/private/key.pem", 3, Instant.parse("2020-01-01T00:00:00.456Z"), 0600),
                Entry.directory("data/group", Instant.parse("2021-02-03T04:05:06.789Z"), 0750));

        Files.setPosixFilePermissions(root.resolve("private/key.pem"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(root.resolve("group"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(root.resolve("group/shared.txt"), "changed");
        restore(module, archive, false, List.of());

        assertThat(Files.getPosixFilePermissions(root.resolve("private/key.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(root.resolve("group")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(Files.getLastModifiedTime(root.resolve("private/key.pem")).toInstant())
                .isEqualTo(Instant.parse("2020-01-01T00:00:00.456Z"));
        assertThat(Files.getLastModifiedTime(root.resolve("group")).toInstant())
                .isEqualTo(Instant.parse("2021-02-03T04:05:06.789Z"));
        assertThat(Files.readString(root.resolve("group/shared.txt"))).isEqualTo("shared");
    }

    @Test
    void restoreDropsSetuidStickyAndWorldWriteBits() throws Exception {
        Path root = tmp.resolve("data");
        Files.createDirectories(root);
        FilesModule module = module(Map.of("root.data", root.toString()));
        InMemoryArchive archive = new InMemoryArchive("files")
                .add(Entry.directory("data", T0, 0755))
                .add(Entry.directory("data/d", T0, 01777))
                .add(Entry.file("data/d/run", 2, T0, 04777), "#!".getBytes(StandardCharsets.UTF_8));

        restore(module, archive, false, List.of());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("d")))).isEqualTo("rwxrwxr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("d/run"))))
                .isEqualTo("rwxrwxr-x");
    }

    @Test
    void restoreWithIncludeKeepsLiveFilesOutsideTheFilter() throws Exception {
        Path cfg = tmp.resolve("cfg");
        write(cfg.resolve("a.conf"), "old-a", "rw-r--r--");
        write(cfg.resolve("b.txt"), "old-b", "rw-r--r--");
        write(cfg.resolve("sub/c.conf"), "old-c", "rw-r--r--");
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        InMemoryArchive archive = backup(module, false);

        Files.writeString(cfg.resolve("a.conf"), "new-a");
        Files.writeString(cfg.resolve("b.txt"), "new-b");
        write(cfg.resolve("live-only.txt"), "live", "rw-------");
        write(cfg.resolve("sub/z.conf"), "selected but not in the archive", "rw-r--r--");
        Files.createSymbolicLink(cfg.resolve("link"), Path.of("b.txt"));
        restore(module, archive, false, List.of(ModuleOption.of("include", "**/*.conf")));

        assertThat(Files.readString(cfg.resolve("a.conf"))).isEqualTo("old-a");
        assertThat(Files.readString(cfg.resolve("sub/c.conf"))).isEqualTo("old-c");
        assertThat(Files.readString(cfg.resolve("b.txt"))).isEqualTo("new-b");
        assertThat(Files.readString(cfg.resolve("live-only.txt"))).isEqualTo("live");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg.resolve("live-only.txt"))))
                .isEqualTo("rw-------");
        assertThat(Files.readSymbolicLink(cfg.resolve("link"))).isEqualTo(Path.of("b.txt"));
        assertThat(cfg.resolve("sub/z.conf")).doesNotExist();
        assertThat(siblings()).isEmpty();
    }

    @Test
    void restoreWithExcludeKeepsTheExcludedLiveDirectory() throws Exception {
        Path cfg = sampleTree();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        InMemoryArchive archive = backup(module, false);
        Files.writeString(cfg.resolve("cache/e.conf"), "live cache");
        Files.writeString(cfg.resolve("a.conf"), "changed");

        restore(module, archive, false, List.of(ModuleOption.of("exclude", "cache")));

        assertThat(Files.readString(cfg.resolve("cache/e.conf"))).isEqualTo("live cache");
        assertThat(Files.readString(cfg.resolve("a.conf"))).isEqualTo("a");
    }

    @Test
    void configOnlyCoversConfigRootsOnly() throws Exception {
        Path cfg = sampleTree();
        Path data = tmp.resolve("var/data");
        write(data.resolve("records"), "old", "rw-r--r--");
        FilesModule module = module(Map.of("root.cfg", cfg.toString(), "root.cfg.type", "config",
                "root.data", data.toString(), "root.data.type", "data"));

        assertThat(backup(module, true).names()).allMatch(n -> n.equals("cfg") || n.startsWith("cfg/"));
        InMemoryArchive full = backup(module, false);
        assertThat(full.names()).contains("data/records");

        Files.writeString(cfg.resolve("a.conf"), "changed");
        Files.writeString(data.resolve("records"), "new");
        RestoreStage stage = module.prepare(restoreContext(true, List.of()), full.source());
        assertThat(siblings()).singleElement().asString().startsWith(".cfg.restore-");
        assertThat(siblings(data.getParent())).isEmpty();
        stage.commit();
        stage.finish();

        assertThat(Files.readString(cfg.resolve("a.conf"))).isEqualTo("a");
        assertThat(Files.readString(data.resolve("records"))).isEqualTo("new");
    }

    @Test
    void refusesAnEntryThatLeavesItsRootAndWritesNothing() throws Exception {
        Path cfg = sampleTree();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        List<String> before = listing(tmp);
        InMemoryArchive archive = new InMemoryArchive("files")
                .add(Entry.directory("cfg", T0, 0755))
                .add(Entry.file("cfg/a.conf", 1, T0, 0644), new byte[] {'x'})
                .add(Entry.file("cfg/../../etc/passwd", 4, T0, 0644), "root".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> module.prepare(restoreContext(false, List.of()), archive.source()))
                .isInstanceOf(IOException.class)
                .hasMessage("Entry '../../etc/passwd' of module 'files' has a '..' segment");

        assertThat(listing(tmp)).isEqualTo(before);
        assertThat(Files.readString(cfg.resolve("a.conf"))).isEqualTo("a");
    }

    @Test
    void refusesAnEntryOfARootNotConfiguredOnThisHost() throws Exception {
        Path cfg = sampleTree();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        List<String> before = listing(tmp);
        InMemoryArchive archive = new InMemoryArchive("files")
                .add(Entry.directory("cfg", T0, 0755))
                .add(Entry.file("cfg/a.conf", 1, T0, 0644), new byte[] {'x'})
                .add(Entry.file("other/x", 1, T0, 0644), new byte[] {'x'});

        assertThatThrownBy(() -> module.prepare(restoreContext(false, List.of()), archive.source()))
                .isInstanceOf(IOException.class)
                .hasMessage("Entry 'other/x' of module 'files' belongs to root 'other', which is not configured"
                        + " on this host");

        assertThat(listing(tmp)).isEqualTo(before);
    }

    @Test
    void refusesAnEntryThroughASymbolicLinkInTheStage() throws Exception {
        Path cfg = tmp.resolve("cfg");
        write(cfg.resolve("keep.txt"), "keep", "rw-r--r--");
        Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(cfg.resolve("d"), tmp.resolve("outside"));
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        InMemoryArchive archive = new InMemoryArchive("files")
                .add(Entry.directory("cfg", T0, 0755))
                .add(Entry.file("cfg/d/evil.txt", 1, T0, 0644), new byte[] {'x'});

        // The filter does not select the live link 'd', so it is copied into the stage; the entry, which the
        // filter selects, must not be written through it.
        List<ModuleOption> options = List.of(ModuleOption.of("include", "**/*.txt"));
        assertThatThrownBy(() -> module.prepare(restoreContext(false, options), archive.source()))
                .isInstanceOf(IOException.class)
                .hasMessage("Entry 'd/evil.txt' of module 'files' passes through the symbolic link 'd'");

        assertThat(tmp.resolve("outside")).isEmptyDirectory();
        assertThat(siblings()).isEmpty();
    }

    @Test
    void refusesAnArchiveOfANewerFormat() throws Exception {
        FilesModule module = module(Map.of("root.cfg", sampleTree().toString()));
        RestoreContext context = new RestoreContext(false, List.of(), 2, Cancellation.never(), CLOCK);

        assertThatThrownBy(() -> module.prepare(context, new InMemoryArchive("files").source()))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED))
                .hasMessage("Module 'files' cannot read format version 2 (it writes version 1)");
    }

    @Test
    void prepareStagesBesideTheRootAndFinishLeavesNothingBehind() throws Exception {
        Path cfg = sampleTree();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        InMemoryArchive archive = backup(module, false);

        RestoreStage stage = module.prepare(restoreContext(false, List.of()), archive.source());
        assertThat(siblings()).singleElement().asString().matches("\\.cfg\\.restore-.+");
        stage.commit();
        assertThat(siblings()).singleElement().asString().matches("\\.cfg\\.previous-.+");
        stage.finish();

        assertThat(siblings()).isEmpty();
        assertThat(cfg.resolve("a.conf")).hasContent("a");
    }

    @Test
    void rollbackAfterCommitRestoresThePreviousTreeExactly() throws Exception {
        Path cfg = sampleTree();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        InMemoryArchive archive = backup(module, false);
        Files.writeString(cfg.resolve("a.conf"), "changed");
        Files.delete(cfg.resolve("sub/deep/d.conf"));
        write(cfg.resolve("new/n.txt"), "new", "rw-------");
        Files.createSymbolicLink(cfg.resolve("link"), Path.of("a.conf"));
        touchTree(cfg, Instant.parse("2025-12-24T18:00:00.5Z"));
        Map<String, byte[]> changed = snapshot(cfg, "cfg");

        RestoreStage stage = module.prepare(restoreContext(false, List.of()), archive.source());
        stage.commit();
        assertThat(cfg.resolve("a.conf")).hasContent("a");
        stage.rollback();

        assertThat(ModuleView.of(snapshot(cfg, "cfg"))).isEqualTo(ModuleView.of(changed));
        assertThat(siblings()).isEmpty();
    }

    @Test
    void restoreRollsBackEveryRootWhenCommitFails() throws Exception {
        Path cfg = sampleTree();
        Path data = tmp.resolve("var/data");
        write(data.resolve("records"), "old", "rw-r--r--");
        FilesModule module = module(Map.of("root.cfg", cfg.toString(), "root.data", data.toString()));
        InMemoryArchive archive = backup(module, false);
        Files.writeString(cfg.resolve("a.conf"), "changed");
        Files.writeString(data.resolve("records"), "new");
        Map<String, byte[]> cfgBefore = snapshot(cfg, "cfg");
        Map<String, byte[]> dataBefore = snapshot(data, "data");

        RestoreStage stage = module.prepare(restoreContext(false, List.of()), archive.source());
        // Remove the data root's stage so that its rename fails after the cfg root was swapped.
        try (Stream<Path> s = Files.list(data.getParent())) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".data.restore-")).toList()) {
                deleteContents(p);
                Files.delete(p);
            }
        }
        assertThatThrownBy(stage::commit).isInstanceOf(IOException.class);
        assertThat(cfg.resolve("a.conf")).hasContent("a");
        stage.rollback();
        stage.rollback();

        assertThat(ModuleView.of(snapshot(cfg, "cfg"))).isEqualTo(ModuleView.of(cfgBefore));
        assertThat(ModuleView.of(snapshot(data, "data"))).isEqualTo(ModuleView.of(dataBefore));
        assertThat(siblings()).isEmpty();
        assertThat(siblings(data.getParent())).isEmpty();
    }

    @Test
    void prepareDeletesItsStagesWhenCancelled() throws Exception {
        Path cfg = sampleTree();
        FilesModule module = module(Map.of("root.cfg", cfg.toString()));
        InMemoryArchive archive = backup(module, false);
        InMemoryArchive.Source source = archive.source();

        assertThatThrownBy(() -> module.prepare(restoreContext(false, List.of(), () -> source.entriesRead() >= 3),
                source))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED));

        assertThat(siblings()).isEmpty();
    }

    // ---- factory reset

    @Test
    void factoryResetEmptiesEveryRootWithoutFollowingLinks() throws Exception {
        Path cfg = sampleTree();
        Path data = tmp.resolve("var/data");
        write(data.resolve("records"), "old", "rw-r--r--");
        Path outside = tmp.resolve("outside");
        write(outside.resolve("keep.txt"), "keep", "rw-r--r--");
        Files.createSymbolicLink(data.resolve("link"), outside);
        FilesModule module = module(Map.of("root.cfg", cfg.toString(), "root.cfg.type", "config",
                "root.data", data.toString(), "root.missing", tmp.resolve("missing").toString()));

        module.factoryReset(Cancellation.never());

        assertThat(cfg).isEmptyDirectory();
        assertThat(data).isEmptyDirectory();
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
        assertThat(tmp.resolve("missing")).doesNotExist();
    }

    // ---- configuration

    @Test
    void rejectsAnUnknownKey() {
        assertInvalid(Map.of("root.cfg", "/srv/cfg", "rot.x", "/srv"),
                "Module 'files': configuration key 'rot.x' is not known (value '/srv');"
                        + " expected 'root.<name>', 'root.<name>.type' or 'root.<name>.optional'");
    }

    @Test
    void rejectsAKeyItDoesNotRead() {
        assertInvalid(Map.of("root.cfg", "/srv/cfg", "root.cfg.owner", "root"),
                "Module 'files': configuration key 'root.cfg.owner' is not known (value 'root');"
                        + " expected 'root.<name>', 'root.<name>.type' or 'root.<name>.optional'");
    }

    @Test
    void rejectsARelativePath() {
        assertInvalid(Map.of("root.cfg", "etc/app"),
                "Module 'files': configuration key 'root.cfg' must be an absolute path (got 'etc/app')");
    }

    @Test
    void rejectsAnUnknownType() {
        assertInvalid(Map.of("root.cfg", "/srv/cfg", "root.cfg.type", "cfg"),
                "Module 'files': configuration key 'root.cfg.type' must be 'config' or 'data' (got 'cfg')");
    }

    @Test
    void rejectsATypeWithoutItsRoot() {
        assertInvalid(Map.of("root.cfg", "/srv/cfg", "root.db.type", "data"),
                "Module 'files': configuration key 'root.db.type' has no 'root.db' (value 'data')");
    }

    @Test
    void rejectsAMalformedRootName() {
        assertInvalid(Map.of("root.my cfg", "/srv/cfg"),
                "Module 'files': configuration key 'root.my cfg' (value '/srv/cfg') has the root name 'my cfg',"
                        + " which must match [A-Za-z0-9_-]+");
    }

    @Test
    void rejectsOverlappingRoots() {
        assertInvalid(Map.of("root.a", "/srv/app", "root.b", "/srv/app/data"),
                "Module 'files': roots 'root.a' ('/srv/app') and 'root.b' ('/srv/app/data') overlap");
        assertInvalid(Map.of("root.a", "/srv/app", "root.b", "/srv/x/../app/"),
                "Module 'files': roots 'root.a' ('/srv/app') and 'root.b' ('/srv/app') overlap");
    }

    @Test
    void rejectsTheFileSystemRoot() {
        assertInvalid(Map.of("root.all", "/"),
                "Module 'files': configuration key 'root.all' must not be the file system root (got '/')");
    }

    @Test
    void isNotAvailableWithoutRoots() throws Exception {
        FilesModule module = new FilesModule();
        module.configure(new ModuleConfig("files", Map.of()));

        assertThat(module.canBackup()).isFalse();
        assertThat(module.canRestore()).isFalse();
    }

    @Test
    void refusesOperationsBeforeItIsConfigured() {
        assertThatThrownBy(() -> backup(new FilesModule(), false))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessage("Module 'files' is not configured");
    }

    // ---- helpers

    /** A small tree: cfg/{a.conf,b.txt,cache/e.conf,empty/,logs/x.log,sub/c.conf,sub/deep/d.conf}. */
    private Path sampleTree() throws IOException {
        Path cfg = tmp.resolve("cfg");
        write(cfg.resolve("a.conf"), "a", "rw-r--r--");
        write(cfg.resolve("b.txt"), "b", "rw-r--r--");
        write(cfg.resolve("sub/c.conf"), "c", "rw-r--r--");
        write(cfg.resolve("sub/deep/d.conf"), "d", "rw-r--r--");
        write(cfg.resolve("cache/e.conf"), "e", "rw-r--r--");
        write(cfg.resolve("logs/x.log"), "x", "rw-r--r--");
        Files.createDirectories(cfg.resolve("empty"));
        touchTree(cfg, T0);
        return cfg;
    }

    private static FilesModule module(Map<String, String> config) {
        FilesModule module = new FilesModule();
        ModuleConfig moduleConfig = new ModuleConfig("files", config);
        module.configure(moduleConfig);
        assertThat(moduleConfig.unreadKeys()).isEmpty();
        return module;
    }

    private static void assertInvalid(Map<String, String> config, String message) {
        assertThatThrownBy(() -> new FilesModule().configure(new ModuleConfig("files", config)))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage(message);
    }

    private static InMemoryArchive backup(FilesModule module, boolean configOnly) throws IOException {
        InMemoryArchive archive = new InMemoryArchive("files");
        module.backup(new BackupContext(configOnly, List.of(), Cancellation.never(), CLOCK), archive);
        return archive;
    }

    private static RestoreContext restoreContext(boolean configOnly, List<ModuleOption> options) {
        return restoreContext(configOnly, options, Cancellation.never());
    }

    private static RestoreContext restoreContext(boolean configOnly, List<ModuleOption> options,
            Cancellation cancellation) {
        return new RestoreContext(configOnly, options, 1, cancellation, CLOCK);
    }

    private static void restore(FilesModule module, InMemoryArchive archive, boolean configOnly,
            List<ModuleOption> options) throws IOException {
        RestoreStage stage = module.prepare(restoreContext(configOnly, options), archive.source());
        stage.commit();
        stage.finish();
    }

    /** Names in {@code tmp} that a restore leaves beside a root. */
    private List<String> siblings() throws IOException {
        return siblings(tmp);
    }

    private static List<String> siblings(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".restore-") || n.contains(".previous-") || n.contains(".discard-"))
                    .sorted().toList();
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        TreeSet<String> paths = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.forEach(p -> paths.add(dir.relativize(p) + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "")));
        }
        return new ArrayList<>(paths);
    }

    private static void deleteContents(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A snapshot with its values as text, so that assertions compare contents and print them readably. */
    private record ModuleView(Map<String, String> values) {
        static ModuleView of(Map<String, byte[]> snapshot) {
            Map<String, String> values = new LinkedHashMap<>();
            snapshot.forEach((k, v) -> values.put(k, new String(v, StandardCharsets.ISO_8859_1)));
            return new ModuleView(values);
        }
    }
}
