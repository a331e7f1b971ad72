package io.backupkit.modules.files;

import io.backupkit.spi.BackupModule;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.testkit.module.ModuleContractTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The module contract, run against the files module with a config root and a data root. */
final class FilesModuleContractTest extends ModuleContractTest {
    static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123Z");

    @Override
    protected BackupModule createModule(Path workDir) throws IOException {
        Path etc = workDir.resolve("etc");
        Path data = workDir.resolve("srv/data");
        write(etc.resolve("app.conf"), "name=demo\n", "rw-r--r--");
        write(etc.resolve("conf.d/secret.conf"), "password=x\n", "rw-------");
        write(data.resolve("db/records.bin"), new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe}, "rw-r-----");
        write(data.resolve("empty.txt"), new byte[0], "rw-r--r--");
        Files.createDirectories(data.resolve("cache"));
        touchTree(workDir, T0);

        FilesModule module = new FilesModule();
        module.configure(new ModuleConfig("files", Map.of(
                "root.etc", etc.toString(),
                "root.etc.type", "config",
                "root.data", data.toString())));
        return module;
    }

    @Override
    protected void changeLiveData(Path workDir) throws IOException {
        Path etc = workDir.resolve("etc");
        Path data = workDir.resolve("srv/data");
        write(etc.resolve("app.conf"), "name=changed\n", "rw-r--r--");
        write(etc.resolve("new.conf"), "new=1\n", "rw-r--r--");
        Files.setPosixFilePermissions(etc.resolve("conf.d/secret.conf"), PosixFilePermissions.fromString("rw-r-----"));
        Files.delete(data.resolve("db/records.bin"));
        write(data.resolve("db/other.bin"), new byte[] {9, 9}, "rw-r--r--");
        Files.delete(data.resolve("cache"));
    }

    @Override
    protected Map<String, byte[]> snapshotLiveData(Path workDir) throws IOException {
        Map<String, byte[]> snapshot = snapshot(workDir.resolve("etc"), "etc");
        snapshot.putAll(snapshot(workDir.resolve("srv/data"), "data"));
        return snapshot;
    }

    @Override
    protected Map<String, byte[]> snapshotConfigData(Path workDir) throws IOException {
        return snapshot(workDir.resolve("etc"), "etc");
    }

    @Override
    protected String sampleOptionValue(String option) {
        return switch (option) {
            case "include" -> "**";
            case "exclude" -> "**/*.tmp";
            case "on_change" -> "fail";
            default -> "skip"; // on_unreadable
        };
    }

    // ---- shared with FilesModuleTest

    /**
     * Everything below {@code root} (not the root itself): {@code <name>/<rel>} to the content of a file,
     * {@code <name>/<rel>/} to "dir" for a directory, {@code #mode} (octal) and {@code #mtime} (epoch
     * milliseconds) keys for both, and {@code <name>/<rel>@} to "link -> target" for a symbolic link.
     */
    static Map<String, byte[]> snapshot(Path root, String name) throws IOException {
        Map<String, byte[]> snapshot = new TreeMap<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return snapshot;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String key = name + "/" + root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    snapshot.put(key + "@", utf8("link -> " + Files.readSymbolicLink(p)));
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    key = key + "/";
                    snapshot.put(key, utf8("dir"));
                } else {
                    snapshot.put(key, Files.readAllBytes(p));
                }
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                snapshot.put(key + "#mode", utf8(mode));
                long millis = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
                snapshot.put(key + "#mtime", utf8(Long.toString(millis)));
            }
        }
        return snapshot;
    }

    static void write(Path file, String content, String permissions) throws IOException {
        write(file, content.getBytes(StandardCharsets.UTF_8), permissions);
    }

    static void write(Path file, byte[] content, String permissions) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    /** Sets the modification time of everything below {@code dir}, deepest first, not following links. */
    static void touchTree(Path dir, Instant time) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.from(time));
                }
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
