package io.backupkit.modules.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.Server;
import io.backupkit.core.BackupEngine;
import io.backupkit.testkit.FakeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine with the files module and a second module: every combination of config_only and module
 * subset, on a tree with long names, unicode names and empty files.
 */
final class FilesEngineRoundTripTest {
    private static final String LONG = "a-directory-name-that-goes-on-and-on-".repeat(3) + "x";

    @TempDir
    Path dir;

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of(false, null),
                Arguments.of(true, null),
                Arguments.of(false, List.of("files")),
                Arguments.of(true, List.of("files")),
                Arguments.of(false, List.of("extra")),
                Arguments.of(true, List.of("extra")),
                Arguments.of(false, List.of("files", "extra")),
                Arguments.of(true, List.of("extra", "files")));
    }

    private void tree(Path etc, Path data) throws IOException {
        Files.createDirectories(etc.resolve(LONG).resolve("nested"));
        Files.writeString(etc.resolve(LONG).resolve("nested").resolve(LONG + "-settings.conf"), "answer=42");
        Files.writeString(etc.resolve("Ünïcødé-文件.conf"), "ünïcødé");
        Files.createFile(etc.resolve("empty.conf"));
        Files.setPosixFilePermissions(etc.resolve("empty.conf"), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(data.resolve("db"));
        Files.write(data.resolve("db").resolve("table.bin"), new byte[70_000]);
        Files.createFile(data.resolve("db").resolve("empty.bin"));
        Files.setLastModifiedTime(data.resolve("db").resolve("table.bin"),
                FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
    }

    private static void scribble(Path etc, Path data) throws IOException {
        Files.writeString(etc.resolve("Ünïcødé-文件.conf"), "changed");
        Files.delete(etc.resolve("empty.conf"));
        Files.writeString(etc.resolve("new.conf"), "new");
        Files.writeString(data.resolve("db").resolve("table.bin"), "changed");
        Files.writeString(data.resolve("db").resolve("new.bin"), "new");
    }

    /** Every file and directory under a root: path to content, mode and mtime (ms). */
    static TreeMap<String, String> snapshot(Path root) throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                String content = Files.isDirectory(p) ? "<dir>" : new String(Files.readAllBytes(p),
                        java.nio.charset.StandardCharsets.UTF_8) + " mtime=" + Files.getLastModifiedTime(p).toMillis();
                files.put(root.relativize(p).toString(), content + " " + mode);
            }
        }
        return files;
    }

    @ParameterizedTest(name = "config_only={0} modules={1}")
    @MethodSource("combinations")
    void restoresExactlyWhatWasChosen(boolean configOnly, List<String> modules) throws IOException {
        Path etc = dir.resolve("live/etc");
        Path data = dir.resolve("live/data");
        tree(etc, data);
        FakeModule extra = new FakeModule("extra", dir.resolve("extra"));
        extra.write("config.ini", "extra config");
        extra.write("state.bin", "extra state");
        ContentInfo contents = new ContentInfo(configOnly,
                modules == null ? null : modules.stream().map(ModuleSelection::of).toList());
        boolean files = modules == null || modules.contains("files");
        boolean extraChosen = modules == null || modules.contains("extra");

        try (BackupEngine engine = BackupEngine.builder().stateDirectory(dir.resolve("state"))
                .device("device-0042", "NX-200", "SN-42", "4.2.1").discover(false)
                .module(new FilesModule()).module(extra)
                .moduleConfig("files", Map.of("root.etc", etc.toString(), "root.etc.type", "config",
                        "root.data", data.toString()))
                .build()) {
            long server = engine.createServer(new Server(null, "local", "", "", 22, dir.resolve("filer").toString(), "",
                    null, null)).id();
            TreeMap<String, String> etcBefore = snapshot(etc);
            TreeMap<String, String> dataBefore = snapshot(data);
            TreeMap<String, String> extraBefore = extra.snapshot();

            CompletedBackup backup = engine.backup(server, "combo", "", contents);
            scribble(etc, data);
            extra.write("config.ini", "changed");
            extra.write("state.bin", "changed");
            TreeMap<String, String> etcChanged = snapshot(etc);
            TreeMap<String, String> dataChanged = snapshot(data);
            TreeMap<String, String> extraChanged = extra.snapshot();
            engine.restore(server, backup.id(), null);

            assertThat(snapshot(etc)).isEqualTo(files ? etcBefore : etcChanged);
            assertThat(snapshot(data)).isEqualTo(files && !configOnly ? dataBefore : dataChanged);
            TreeMap<String, String> expectedExtra = new TreeMap<>(extraChanged);
            if (extraChosen) {
                expectedExtra.put("config.ini", extraBefore.get("config.ini"));
                if (!configOnly) {
                    expectedExtra.put("state.bin", extraBefore.get("state.bin"));
                }
            }
            assertThat(extra.snapshot()).isEqualTo(expectedExtra);
            try (Stream<Path> siblings = Files.list(dir.resolve("live"))) {
                assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("etc", "data");
            }
        }
    }
}
