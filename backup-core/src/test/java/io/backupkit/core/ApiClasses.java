package io.backupkit.core;

import io.backupkit.api.IntRange;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.ProgressEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The classes of the api package, found on disk, so that a new record cannot go untested. */
final class ApiClasses {
    /** Records of the api that have no JSON form: neither types of the spec nor bodies of the HTTP API. */
    private static final Set<Class<?>> WITHOUT_JSON_FORM = Set.of(IntRange.class, ProgressEvent.class);

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
                    .filter(c -> c.isRecord() && !WITHOUT_JSON_FORM.contains(c))
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
