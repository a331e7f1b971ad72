package io.backupkit.modules.files;

import static io.backupkit.modules.files.FilesModuleContractTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ModuleOption;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.testkit.InMemoryArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that change while a backup reads them, through the test hooks of {@link LiveFile} between the
 * walk's stat and the open, and between the open and the read.
 */
final class LiveFileTest {
    private static final Instant T0 = Instant.parse("2024-05-06T07:08:09Z");

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();
    private Path root;
    private Path file;
    private FilesModule module;

    @BeforeEach
    void sampleRoot() throws IOException {
        root = tmp.resolve("data");
        write(root.resolve("a.txt"), "first", "rw-r--r--");
        file = root.resolve("b.log");
        write(file, "hello", "rw-r--r--");
        write(root.resolve("c.txt"), "last", "rw-r--r--");
        Files.setLastModifiedTime(file, FileTime.from(T0));
        module = new FilesModule();
        module.configure(new ModuleConfig("files", Map.of("root.data", root.toString())));
    }

    @AfterEach
    void removeHooks() {
        LiveFile.beforeOpen = path -> {
        };
        LiveFile.beforeRead = path -> {
        };
    }

    @Test
    void fileThatGrowsWhileReadIsCutAtItsSizeWithAWarning() throws Exception {
        LiveFile.beforeRead = onFile(path -> append(path, " world"));

        InMemoryArchive archive = backup();

        assertThat(text(archive, "data/b.log")).isEqualTo("hello");
        assertThat(warnings).containsExactly("data/b.log: changed while read: grew beyond its 5 bytes; cut at that size");
        assertThat(archive.names()).containsExactly("data", "data/a.txt", "data/b.log", "data/c.txt");
    }

    @Test
    void fileThatShrinksWhileReadIsPaddedWithZerosWithAWarning() throws Exception {
        LiveFile.beforeRead = onFile(path -> truncate(path, 2));

        InMemoryArchive archive = backup();

        assertThat(archive.content("data/b.log")).containsExactly('h', 'e', 0, 0, 0);
        assertThat(warnings).containsExactly("data/b.log: changed while read: ended after 2 of its 5 bytes; padded with"
                + " zeros");
    }

    @Test
    void fileRewrittenInPlaceWhileReadIsKeptWithAWarning() throws Exception {
        Instant later = T0.plusSeconds(60);
        LiveFile.beforeRead = onFile(path -> {
            overwrite(path, "HELLO");
            touch(path, later);
        });

        InMemoryArchive archive = backup();

        assertThat(text(archive, "data/b.log")).isEqualTo("HELLO");
        assertThat(warnings).containsExactly("data/b.log: changed while read: modified at " + FileTime.from(T0)
                + " when opened, at " + FileTime.from(later) + " when read");
    }

    @Test
    void fileThatChangedBeforeItWasOpenedIsStatAgainOnceAndKeptWhole() throws Exception {
        LiveFile.beforeOpen = onFile(path -> append(path, " world"));

        InMemoryArchive archive = backup();

        assertThat(text(archive, "data/b.log")).isEqualTo("hello world");
        assertThat(archive.entries()).filteredOn(e -> e.name().equals("data/b.log")).singleElement()
                .satisfies(e -> assertThat(e.size()).isEqualTo(11));
        assertThat(warnings).isEmpty();
    }

    @Test
    void fileRemovedBeforeItWasOpenedIsLeftOutWithAWarning() throws Exception {
        LiveFile.beforeOpen = onFile(path -> delete(path));

        InMemoryArchive archive = backup();

        assertThat(archive.names()).containsExactly("data", "data/a.txt", "data/c.txt");
        assertThat(warnings).containsExactly("data/b.log: changed while read: removed before it was read");
    }

    @Test
    void onChangeFailFailsTheBackupNamingTheFile() {
        LiveFile.beforeRead = onFile(path -> append(path, " world"));

        assertThatThrownBy(() -> backup(ModuleOption.of("on_change", "fail"))).isInstanceOf(IOException.class)
                .hasMessage("Module 'files': '" + file + "' changed while read (on_change=fail): grew beyond its 5 bytes;"
                        + " cut at that size");
    }

    @Test
    void unreadableFileFailsTheBackupNamingItAndTheOsReason() throws Exception {
        LiveFile.beforeOpen = onFile(LiveFileTest::replaceWithSocket);

        assertThatThrownBy(this::backup).isInstanceOf(IOException.class)
                .hasMessage("Module 'files': cannot read '" + file + "': No such device or address");
    }

    @Test
    void unreadableFileIsSkippedWithAWarningWhenAsked() throws Exception {
        LiveFile.beforeOpen = onFile(LiveFileTest::replaceWithSocket);

        InMemoryArchive archive = backup(ModuleOption.of("on_unreadable", "skip"));

        assertThat(archive.names()).containsExactly("data", "data/a.txt", "data/c.txt");
        assertThat(warnings).containsExactly("data/b.log: skipped (on_unreadable=skip): cannot read '" + file
                + "': No such device or address");
    }

    @Test
    void unchangedFilesGiveNoWarning() throws Exception {
        InMemoryArchive archive = backup();

        assertThat(text(archive, "data/b.log")).isEqualTo("hello");
        assertThat(warnings).isEmpty();
    }

    // ---- helpers

    private InMemoryArchive backup(ModuleOption... options) throws IOException {
        InMemoryArchive archive = new InMemoryArchive("files");
        module.backup(new BackupContext(false, List.of(options), Cancellation.never(), Clock.systemUTC(),
                (subject, reason) -> warnings.add(subject + ": " + reason)), archive);
        return archive;
    }

    /** A hook that acts on {@link #file} only. */
    private Consumer<Path> onFile(IoAction action) {
        return path -> {
            if (path.equals(file)) {
                try {
                    action.run(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private interface IoAction {
        void run(Path path) throws IOException;
    }

    private static String text(InMemoryArchive archive, String name) {
        return new String(archive.content(name), StandardCharsets.UTF_8);
    }

    private static void append(Path path, String text) throws IOException {
        Files.writeString(path, text, StandardOpenOption.APPEND);
    }

    private static void overwrite(Path path, String text) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.write(StandardCharsets.UTF_8.encode(text));
        }
    }

    private static void truncate(Path path, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void touch(Path path, Instant time) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(time));
    }

    private static void delete(Path path) throws IOException {
        Files.delete(path);
    }

    /** Replaces the file with a UNIX domain socket, which open(2) refuses even to root (ENXIO). */
    private static void replaceWithSocket(Path path) throws IOException {
        Files.delete(path);
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(path));
        }
    }
}
