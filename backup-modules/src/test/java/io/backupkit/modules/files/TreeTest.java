package io.backupkit.modules.files;

import static io.backupkit.modules.files.FilesModuleContractTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleOption;
import io.backupkit.modules.files.Tree.Node;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.testkit.InMemoryArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one walk that backup, estimate and a filtered restore's keeping of unselected live files share. */
final class TreeTest {
    private static final Predicate<Node> NOTHING = directory -> false;

    @TempDir
    Path tmp;

    private Root root;

    /** cfg/{b.txt, a/{z.conf, m/n.conf}, c/, cache/e.conf, A.conf}: names whose order differs from creation. */
    @BeforeEach
    void sampleTree() throws IOException {
        Path cfg = tmp.resolve("cfg");
        write(cfg.resolve("b.txt"), "b", "rw-r--r--");
        write(cfg.resolve("a/z.conf"), "z", "rw-r--r--");
        write(cfg.resolve("a/m/n.conf"), "n", "rw-r--r--");
        Files.createDirectories(cfg.resolve("c"));
        write(cfg.resolve("cache/e.conf"), "e", "rw-r--r--");
        write(cfg.resolve("A.conf"), "A", "rw-r--r--");
        root = new Root("cfg", cfg, false);
    }

    @Test
    void walksDepthFirstWithEachDirectorysChildrenSortedByName() throws IOException {
        assertThat(events(NOTHING)).containsExactly(
                "file cfg/A.conf",
                "enter cfg/a", "enter cfg/a/m", "file cfg/a/m/n.conf", "leave cfg/a/m", "file cfg/a/z.conf",
                "leave cfg/a",
                "file cfg/b.txt",
                "enter cfg/c", "leave cfg/c",
                "enter cfg/cache", "file cfg/cache/e.conf", "leave cfg/cache");
    }

    @Test
    void nodesCarryTheirPathRelativeNameEntryNameAndOwnAttributes() throws IOException {
        List<Node> files = new ArrayList<>();
        Tree.walk(root, Cancellation.never(), NOTHING, new Tree.Visitor() {
            @Override
            public void file(Node file) {
                files.add(file);
            }
        });

        assertThat(files).filteredOn(n -> n.relative().equals("a/m/n.conf")).singleElement().satisfies(n -> {
            assertThat(n.path()).isEqualTo(root.path().resolve("a/m/n.conf"));
            assertThat(n.entryName()).isEqualTo("cfg/a/m/n.conf");
            assertThat(n.attributes().isRegularFile()).isTrue();
            assertThat(n.attributes().size()).isEqualTo(1);
        });
    }

    @Test
    void prunedDirectoryIsNeitherEnteredNorReported() throws IOException {
        assertThat(events(directory -> directory.relative().equals("a") || directory.relative().equals("cache")))
                .containsExactly("file cfg/A.conf", "file cfg/b.txt", "enter cfg/c", "leave cfg/c");
    }

    @Test
    void skipsAChildThatVanishesAfterItsDirectoryWasListed() throws IOException {
        List<String> events = new ArrayList<>();
        Tree.walk(root, Cancellation.never(), NOTHING, new Recorder(events) {
            @Override
            public void file(Node file) throws IOException {
                super.file(file);
                if (file.relative().equals("A.conf")) {
                    Files.delete(root.path().resolve("b.txt"));
                    Files.delete(root.path().resolve("c"));
                }
            }
        });

        assertThat(events).doesNotContain("file cfg/b.txt", "enter cfg/c")
                .startsWith("file cfg/A.conf", "enter cfg/a").endsWith("leave cfg/cache");
    }

    @Test
    void reportsSymbolicLinksAndFifosAsOtherWithoutFollowingThem() throws Exception {
        Path outside = tmp.resolve("outside");
        write(outside.resolve("secret.txt"), "secret", "rw-r--r--");
        Files.createSymbolicLink(root.path().resolve("a/link-to-dir"), outside);
        Files.createSymbolicLink(root.path().resolve("link-to-file"), outside.resolve("secret.txt"));
        assertThat(new ProcessBuilder("mkfifo", root.path().resolve("pipe").toString()).start().waitFor()).isZero();

        assertThat(events(NOTHING)).contains("other cfg/a/link-to-dir", "other cfg/link-to-file", "other cfg/pipe")
                .noneMatch(e -> e.contains("secret"));
    }

    @Test
    void checksCancellationBeforeEachChild() {
        int[] asked = {0};
        Cancellation afterThree = () -> ++asked[0] > 3;

        assertThatThrownBy(() -> Tree.walk(root, afterThree, NOTHING, new Recorder(new ArrayList<>())))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED));
        assertThat(asked[0]).isEqualTo(4);
    }

    @Test
    void excludedDirectoryIsPrunedForBackupButKeptForAFilteredRestore() throws Exception {
        Path cache = root.path().resolve("cache");
        Files.createSymbolicLink(cache.resolve("link"), Path.of("e.conf"));
        assertThat(new ProcessBuilder("mkfifo", cache.resolve("pipe").toString()).start().waitFor()).isZero();
        FilesModule module = new FilesModule();
        module.configure(new ModuleConfig("files", Map.of("root.cfg", root.path().toString())));
        List<ModuleOption> exclude = List.of(ModuleOption.of("exclude", "cache"));

        InMemoryArchive archive = new InMemoryArchive("files");
        module.backup(new BackupContext(false, exclude, Cancellation.never(), Clock.systemUTC()), archive);
        Staging.create(root, "tree-test", Filter.of(List.of(), List.of("cache")), Cancellation.never());

        // With a filter, a directory is written only on the way to a file: 'c' is empty.
        assertThat(archive.names()).containsExactly("cfg", "cfg/A.conf", "cfg/a", "cfg/a/m", "cfg/a/m/n.conf",
                "cfg/a/z.conf", "cfg/b.txt");
        // The stage gets every live directory and what the filter does not select: the files and links in
        // 'cache', but not its FIFO.
        assertThat(listing(stage())).containsExactly("a/", "a/m/", "c/", "cache/", "cache/e.conf", "cache/link");
        assertThat(Files.readSymbolicLink(stage().resolve("cache/link"))).isEqualTo(Path.of("e.conf"));
    }

    private List<String> events(Predicate<Node> prune) throws IOException {
        List<String> events = new ArrayList<>();
        Tree.walk(root, Cancellation.never(), prune, new Recorder(events));
        return events;
    }

    private Path stage() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".cfg.restore-")).findFirst().orElseThrow();
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        TreeSet<String> paths = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> !p.equals(dir)).forEach(p -> paths.add(dir.relativize(p)
                    + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "")));
        }
        return new ArrayList<>(paths);
    }

    /** Records every call as {@code <kind> <entry name>}. */
    private static class Recorder implements Tree.Visitor {
        private final List<String> events;

        Recorder(List<String> events) {
            this.events = events;
        }

        @Override
        public void enterDirectory(Node directory) {
            events.add("enter " + directory.entryName());
        }

        @Override
        public void leaveDirectory(Node directory) {
            events.add("leave " + directory.entryName());
        }

        @Override
        public void file(Node file) throws IOException {
            events.add("file " + file.entryName());
        }

        @Override
        public void other(Node node) {
            events.add("other " + node.entryName());
        }
    }
}
