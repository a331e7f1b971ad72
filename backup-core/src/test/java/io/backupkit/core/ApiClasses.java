package io.backupkit.core;

import io.backupkit.api.ModuleInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The classes of the api package, found on disk, so that a new record cannot go untested. */
final class ApiClasses {
    /** Records of the api that are the library's own, not types of the specification. */
    private static final java.util.Set<Class<?>> NOT_SPEC_TYPES = java.util.Set.of(io.backupkit.api.Violation.class,
            io.backupkit.api.IntRange.class, io.backupkit.api.ProgressEvent.class,
            io.backupkit.api.ServerCheck.class);

    private ApiClasses() {
    }

    static List<Class<?>> records() throws Exception {
        URI location = ModuleInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        Path base = Path.of(location);
        if (Files.isDirectory(base)) {
            return recordsUnder(base.resolve("io/backupkit/api"));
        }
        try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + location), Map.of())) {
            return recordsUnder(jar.getPath("/io/backupkit/api"));
        }
    }

    private static List<Class<?>> recordsUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .<Class<?>>map(n -> load("io.backupkit.api." + n.substring(0, n.length() - ".class".length())))
                    .filter(c -> c.isRecord() && !NOT_SPEC_TYPES.contains(c))
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
