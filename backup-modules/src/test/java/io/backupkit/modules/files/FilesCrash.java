package io.backupkit.modules.files;

import static io.backupkit.modules.files.FilesModuleContractTest.snapshot;
import static io.backupkit.modules.files.FilesModuleContractTest.touchTree;
import static io.backupkit.modules.files.FilesModuleContractTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.modules.CrashScenario;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The restore {@link FilesCrashRecoveryTest} interrupts: three roots, {@code a} and {@code b} with old
 * trees and {@code c} missing before the restore, and an archive with a new tree for each.
 */
final class FilesCrash extends CrashScenario {
    private static final String RESTORE_ID = "crash-7e57";
    private static final List<String> ROOTS = List.of("a", "b", "c");
    private static final Instant OLD = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant NEW = Instant.parse("2025-02-02T00:00:00Z");

    private static Path root(Path dir, String name) {
        return name.equals("b") ? dir.resolve("srv/b") : dir.resolve(name);
    }

    private static FilesModule module(Path dir) {
        FilesModule module = new FilesModule();
        module.configure(new ModuleConfig("files", Map.of("root.a", root(dir, "a").toString(),
                "root.b", root(dir, "b").toString(), "root.c", root(dir, "c").toString())));
        return module;
    }

    @Override
    protected String restoreId() {
        return RESTORE_ID;
    }

    @Override
    protected void hook(Consumer<String> step) {
        Swap.step = step;
    }

    @Override
    protected RestoreStage prepare(Path dir) throws IOException {
        return module(dir).prepare(context(), archive().source());
    }

    @Override
    protected void recover(Path dir, Map<String, String> journal, boolean forward) throws IOException {
        module(dir).recover(RESTORE_ID, journal, forward);
    }

    @Override
    protected void checkCannotGoForward(Path dir, IOException failure) {
        assertThat(failure).hasMessageStartingWith("Module 'files': cannot finish the restore of root 'c' ('"
                + root(dir, "c") + "'): it is missing and its stage '");
    }

    /** The live data before the restore. */
    @Override
    protected void oldData(Path dir) throws IOException {
        write(root(dir, "a").resolve("x.txt"), "old a", "rw-r--r--");
        write(root(dir, "a").resolve("sub/y.txt"), "old y", "rw-------");
        write(root(dir, "a").resolve("sub/deeper/z.txt"), "old z", "rw-r--r--");
        write(root(dir, "b").resolve("z.bin"), new byte[] {1, 2, 3}, "rw-r-----");
        Files.createDirectories(root(dir, "b").resolve("empty"));
        touchTree(dir, OLD);
    }

    private static RestoreContext context() {
        return new RestoreContext(false, List.of(), 1, Cancellation.never(),
                Clock.fixed(NEW, ZoneOffset.UTC), RESTORE_ID, -1);
    }

    /** The archive of the new data. */
    private static InMemoryArchive archive() {
        return new InMemoryArchive("files")
                .add(Entry.directory("a", NEW, 0755))
                .add(Entry.file("a/x.txt", 5, NEW, 0644), utf8("new a"))
                .add(Entry.directory("a/n", NEW, 0750))
                .add(Entry.file("a/n/m.txt", 5, NEW, 0600), utf8("new m"))
                .add(Entry.file("a/n/o.txt", 5, NEW, 0640), utf8("new o"))
                .add(Entry.directory("b", NEW, 0700))
                .add(Entry.file("b/z.bin", 2, NEW, 0644), new byte[] {9, 9})
                .add(Entry.directory("c", NEW, 0755))
                .add(Entry.file("c/c.txt", 5, NEW, 0644), utf8("new c"));
    }

    /** Each root's tree, with the root's own mode and time, or nothing when it is missing. */
    @Override
    protected Map<String, Map<String, String>> snapshots(Path dir) throws IOException {
        Map<String, Map<String, String>> roots = new TreeMap<>();
        for (String name : ROOTS) {
            Path root = root(dir, name);
            Map<String, String> view = new TreeMap<>();
            if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                view.put("#mode", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
                view.put("#mtime", Files.getLastModifiedTime(root).toString());
                snapshot(root, name).forEach((k, v) -> view.put(k, new String(v, StandardCharsets.ISO_8859_1)));
            } else {
                view.put("#missing", "");
            }
            roots.put(name, view);
        }
        return roots;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
